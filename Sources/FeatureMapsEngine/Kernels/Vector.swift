// The 8-lane float vector the kernels use (one AVX2 register), and the per-element operations
// every path shares, written once so that a fused kernel and the separate layer passes give
// bit-identical values: BatchNorm's affine is x * scale + shift (a multiply, then an add, never a
// fused multiply-add), ReLU6 is a compare-and-replace clamp that keeps NaN.

#if FEATUREMAPS_AVX512
typealias Vec = SIMD16<Float>
/// Lanes of `Vec`.
let lanes = 16
#else
typealias Vec = SIMD8<Float>
/// Lanes of `Vec`.
let lanes = 8
#endif

/// A contract check that stays in every build mode (`precondition` vanishes under -Ounchecked).
@inline(__always) func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

// Scalar loads (stores) that LLVM merges into one unaligned vector load (store): the standard
// library's `loadUnaligned(as:)` is not inlined here and costs a call per vector.
#if FEATUREMAPS_AVX512
@inline(__always) func loadVec(_ p: UnsafePointer<Float>) -> Vec {
    Vec(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15])
}

@inline(__always) func storeVec(_ v: Vec, _ p: UnsafeMutablePointer<Float>) {
    for i in 0..<16 { p[i] = v[i] }
}
#else
@inline(__always) func loadVec(_ p: UnsafePointer<Float>) -> Vec {
    Vec(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7])
}

@inline(__always) func storeVec(_ v: Vec, _ p: UnsafeMutablePointer<Float>) {
    p[0] = v[0]; p[1] = v[1]; p[2] = v[2]; p[3] = v[3]
    p[4] = v[4]; p[5] = v[5]; p[6] = v[6]; p[7] = v[7]
}
#endif

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

@inline(__always) func madd(_ acc: Float, _ a: Float, _ b: Float) -> Float {
    #if FEATUREMAPS_NO_FMA
    return acc + a * b
    #else
    return acc.addingProduct(a, b)
    #endif
}

/// Keras `ReLU(6.0)` on 8 lanes: x < 0 -> 0, x > 6 -> 6, otherwise x (NaN stays NaN).
@inline(__always) func relu6(_ v: Vec) -> Vec {
    v.replacing(with: 0, where: v .< 0).replacing(with: 6, where: v .> 6)
}

/// The same clamp on one value.
@inline(__always) func relu6(_ x: Float) -> Float {
    x < 0 ? 0 : (x > 6 ? 6 : x)
}

/// An output treatment applied right after a kernel writes a block (while it is in cache):
/// y = x * scale[c] + shift[c] (BatchNorm), then + residual (Keras `Add`), then ReLU6, each optional.
struct Epilogue {
    var scale: UnsafePointer<Float>?
    var shift: UnsafePointer<Float>?
    var residual: UnsafePointer<Float>?
    var relu6 = false

    static let none = Epilogue()
    var isNone: Bool { scale == nil && residual == nil && !relu6 }

    /// The treatment of one vector of outputs of channels `channel`..., whose residual (when set)
    /// is at offset `at` of `residual`. Every kernel's epilogue is this function.
    @inline(__always)
    func applied(_ v: Vec, channel: Int, at: Int) -> Vec {
        var v = v
        if let scale, let shift { v = v * loadVec(scale + channel) + loadVec(shift + channel) }
        if let residual { v = v + loadVec(residual + at) }
        if relu6 { v = FeatureMapsEngine.relu6(v) }
        return v
    }

    /// The same on one value.
    @inline(__always)
    func applied(_ x: Float, channel: Int, at: Int) -> Float {
        var y = x
        if let scale, let shift { y = y * scale[channel] + shift[channel] }
        if let residual { y = y + residual[at] }
        if relu6 { y = FeatureMapsEngine.relu6(y) }
        return y
    }

    /// Applies the treatment to `rows` x `cols` values at `p` (row stride `ld`), whose channels start
    /// at `channel0`; the residual, when set, has the same layout as `p`.
    @inline(__always)
    func apply(_ p: UnsafeMutablePointer<Float>, rows: Int, cols: Int, ld: Int, channel0: Int) {
        if isNone { return }
        let vecCols = cols - cols % lanes
        for r in 0..<rows {
            let row = p + (r &* ld), first = r &* ld
            var j = 0
            while j < vecCols {
                storeVec(applied(loadVec(row + j), channel: channel0 &+ j, at: first &+ j), row + j)
                j &+= lanes
            }
            while j < cols {
                row[j] = applied(row[j], channel: channel0 &+ j, at: first &+ j)
                j &+= 1
            }
        }
    }
}
