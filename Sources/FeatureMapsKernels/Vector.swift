import FeatureMapsKernelTypes

// The float vector the kernels use and the per-element operations every path shares, written once
// so that a fused kernel and the separate layer passes give bit-identical values: BatchNorm's
// affine is x * scale + shift (a multiply, then an add, never a fused multiply-add), ReLU6 is a
// compare-and-replace clamp that keeps NaN.
//
// This module is compiled twice from the same files: as FeatureMapsKernels with 8-lane vectors
// (one AVX2 register, the build's target CPU) and as FeatureMapsKernelsAVX512 with 16-lane vectors
// (FEATUREMAPS_AVX512, AVX-512 code; Package.swift), which the engine calls only on a CPU that has
// AVX-512. Every kernel computes each output as the same sequence of operations whatever the
// vector width, so the two modules give bit-identical results.

#if FEATUREMAPS_AVX512
typealias Vec = SIMD16<Float>
/// Half a `Vec`: the column tail of the GEMM.
typealias HalfVec = SIMD8<Float>
#else
typealias Vec = SIMD8<Float>
typealias HalfVec = SIMD4<Float>
#endif
/// Lanes of `Vec` and of `HalfVec`.
let lanes = Vec.scalarCount
let halfLanes = HalfVec.scalarCount

/// A contract check that stays in every build mode (`precondition` vanishes under -Ounchecked).
@inline(__always) func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

// Scalar loads (stores) that LLVM merges into one unaligned vector load (store): the standard
// library's `loadUnaligned(as:)` is not inlined here and costs a call per vector.
// With 16 lanes LLVM does not merge 16 scalar loads into one (it builds the vector from 128-bit
// pieces); a constant-size copy becomes one unaligned 512-bit load or store.
@inline(__always) func loadVec(_ p: UnsafePointer<Float>) -> Vec {
    #if FEATUREMAPS_AVX512
    UnsafeRawPointer(p).loadUnaligned(as: Vec.self)
    #else
    Vec(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7])
    #endif
}

@inline(__always) func storeVec(_ v: Vec, _ p: UnsafeMutablePointer<Float>) {
    #if FEATUREMAPS_AVX512
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec.self)
    #else
    for i in 0..<lanes { p[i] = v[i] }
    #endif
}

@inline(__always) func loadHalf(_ p: UnsafePointer<Float>) -> HalfVec {
    #if FEATUREMAPS_AVX512
    HalfVec(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7])
    #else
    HalfVec(p[0], p[1], p[2], p[3])
    #endif
}

@inline(__always) func storeHalf(_ v: HalfVec, _ p: UnsafeMutablePointer<Float>) {
    for i in 0..<halfLanes { p[i] = v[i] }
}

/// acc + a * b. Normally one fused multiply-add (one rounding): the release build targets CPUs
/// with FMA (Scripts/build-release). Built with `-Xswiftc -DFEATUREMAPS_NO_FMA` for CPUs without
/// FMA, a multiply then an add (two roundings; results differ in the last bits, not in speed), since
/// an FMA the CPU lacks becomes a call to `fmaf`, 20-50 times slower.
@inline(__always) func madd(_ acc: Vec, _ a: Vec, _ b: Vec) -> Vec {
    #if FEATUREMAPS_NO_FMA
    return acc + a * b
    #else
    return acc.addingProduct(a, b)
    #endif
}

@inline(__always) func madd(_ acc: HalfVec, _ a: HalfVec, _ b: HalfVec) -> HalfVec {
    #if FEATUREMAPS_NO_FMA
    return acc + a * b
    #else
    return acc.addingProduct(a, b)
    #endif
}

@inline(__always) func madd(_ acc: Float, _ a: Float, _ b: Float) -> Float {
    #if FEATUREMAPS_NO_FMA
    return acc + a * b
    #else
    return acc.addingProduct(a, b)
    #endif
}

/// Keras `ReLU(6.0)` on a vector: x < 0 -> 0, x > 6 -> 6, otherwise x (NaN stays NaN).
@inline(__always) func clampReLU6(_ v: Vec) -> Vec {
    v.replacing(with: 0, where: v .< 0).replacing(with: 6, where: v .> 6)
}

@inline(__always) func clampReLU6(_ v: HalfVec) -> HalfVec {
    v.replacing(with: 0, where: v .< 0).replacing(with: 6, where: v .> 6)
}

/// The same clamp on one value.
@inline(__always) func clampReLU6(_ x: Float) -> Float {
    x < 0 ? 0 : (x > 6 ? 6 : x)
}

extension Epilogue {
    /// The treatment of one vector of outputs of channels `channel`..., whose residual (when set)
    /// is at offset `at` of `residual`. Every kernel's epilogue is this function (or its half and
    /// one-value forms, the same operations).
    @inline(__always)
    func applied(_ v: Vec, channel: Int, at: Int) -> Vec {
        var v = v
        if let scale, let shift { v = v * loadVec(scale + channel) + loadVec(shift + channel) }
        if let residual { v = v + loadVec(residual + at) }
        if relu6 { v = clampReLU6(v) }
        return v
    }

    @inline(__always)
    func applied(_ v: HalfVec, channel: Int, at: Int) -> HalfVec {
        var v = v
        if let scale, let shift { v = v * loadHalf(scale + channel) + loadHalf(shift + channel) }
        if let residual { v = v + loadHalf(residual + at) }
        if relu6 { v = clampReLU6(v) }
        return v
    }

    @inline(__always)
    func applied(_ x: Float, channel: Int, at: Int) -> Float {
        var y = x
        if let scale, let shift { y = y * scale[channel] + shift[channel] }
        if let residual { y = y + residual[at] }
        if relu6 { y = clampReLU6(y) }
        return y
    }
}
