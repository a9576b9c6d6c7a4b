import FeatureMapsKernelTypes

// The float vector the kernels use and the per-element operations every path shares, written once
// so that a fused kernel and the separate layer passes give bit-identical values: BatchNorm's
// affine is x * scale + shift (a multiply, then an add, never a fused multiply-add), ReLU6 is a
// compare-and-replace clamp that keeps NaN.
//
// This module's vectors have 8 lanes (one AVX2 register, the build's target CPU). Its 16-lane
// twin is the C target CKernelsAVX512 (AVX-512), which the engine calls only on a CPU that has
// AVX-512: every kernel there computes each output as the same sequence of operations as here
// (vector512.h mirrors this file), so the two give bit-identical results.

typealias Vec = SIMD8<Float>
/// Half a `Vec`: the column tail of the GEMM.
typealias HalfVec = SIMD4<Float>
/// Lanes of `Vec` and of `HalfVec`.
let lanes = Vec.scalarCount
let halfLanes = HalfVec.scalarCount

// Scalar loads (stores) that LLVM merges into one unaligned vector load (store): the standard
// library's `loadUnaligned(as:)` is not inlined here and costs a call per vector.
@inline(__always) func loadVec(_ p: UnsafePointer<Float>) -> Vec {
    Vec(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7])
}

@inline(__always) func storeVec(_ v: Vec, _ p: UnsafeMutablePointer<Float>) {
    for i in 0..<lanes { p[i] = v[i] }
}

@inline(__always) func loadHalf(_ p: UnsafePointer<Float>) -> HalfVec {
    HalfVec(p[0], p[1], p[2], p[3])
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
