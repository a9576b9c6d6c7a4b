import CCPUFeatures
import CKernelsAVX512
import FeatureMapsKernelTypes
import FeatureMapsKernels

/// A contract check that stays in every build mode (`precondition` vanishes under -Ounchecked).
@inline(__always) func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// The vector width of the engine's own kernels (register GEMM, depthwise, epilogues): 8 lanes
/// (FeatureMapsKernels, Swift, AVX2 + FMA on x86-64, the build's target) or 16 lanes
/// (CKernelsAVX512, C compiled for AVX-512, chosen at run time on a CPU whose AVX-512 the OS
/// enables). Both give bit-identical results: each output is the same sequence of operations at
/// either width.
public enum SIMDWidth: Int, CaseIterable, Sendable, CustomStringConvertible {
    case lanes8 = 8
    case lanes16 = 16

    /// The widest this CPU runs.
    public static let best: SIMDWidth = fm_cpu_has_avx512() != 0 ? .lanes16 : .lanes8

    /// Whether this CPU runs `self`.
    public var isSupported: Bool { self == .lanes8 || SIMDWidth.best == .lanes16 }

    public var description: String { self == .lanes16 ? "16 lanes (AVX-512)" : "8 lanes (AVX2)" }

    /// This width's kernels.
    var kernels: SIMDKernelSet { self == .lanes16 ? .avx512 : .avx2 }
}

/// The entry points of one width's kernels, as function values the engine calls per task.
struct SIMDKernelSet: Sendable {
    let lanes: Int
    let gemmTileRows: Int
    let gemm:
        @Sendable (
            UnsafePointer<Float>, Int, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, Range<Int>, Range<Int>,
            Epilogue
        ) -> Void
    let depthwise:
        @Sendable (
            DepthwiseShape, Range<Int>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>,
            Epilogue
        ) -> Void
    let apply: @Sendable (Epilogue, UnsafeMutablePointer<Float>, Int, Int, Int, Int) -> Void

    static let avx2 = SIMDKernelSet(
        lanes: FeatureMapsKernels.SIMDKernels.lanes,
        gemmTileRows: FeatureMapsKernels.SIMDKernels.gemmTileRows,
        gemm: { FeatureMapsKernels.SIMDKernels.gemm(a: $0, k: $1, b: $2, n: $3, c: $4, rows: $5, cols: $6, epilogue: $7) },
        depthwise: { FeatureMapsKernels.SIMDKernels.depthwise($0, rows: $1, input: $2, kernel: $3, output: $4, epilogue: $5) },
        apply: { FeatureMapsKernels.SIMDKernels.apply($0, to: $1, rows: $2, cols: $3, ld: $4, channel0: $5) })

    /// The C kernels (CKernelsAVX512/include/kernels_avx512.h): ranges as bounds, the Swift contracts
    /// as their C structs.
    static let avx512 = SIMDKernelSet(
        lanes: Int(FM_AVX512_LANES),
        gemmTileRows: Int(FM_AVX512_GEMM_TILE_ROWS),
        gemm: { fm_avx512_gemm($0, $1, $2, $3, $4, $5.lowerBound, $5.upperBound, $6.lowerBound, $6.upperBound, $7.forC) },
        depthwise: { fm_avx512_depthwise($0.forC, $1.lowerBound, $1.upperBound, $2, $3, $4, $5.forC) },
        apply: { fm_avx512_apply($0.forC, $1, $2, $3, $4, $5) })
}

extension Epilogue {
    /// The C kernels' copy (the same fields).
    var forC: fm_epilogue { fm_epilogue(scale: scale, shift: shift, residual: residual, relu6: relu6) }
}

extension DepthwiseShape {
    /// The C kernels' copy, with the interior bounds computed here once.
    var forC: fm_depthwise_shape {
        fm_depthwise_shape(
            h: h, w: w, c: c, stride: stride, pad_top: padTop, pad_left: padLeft, oh: oh, ow: ow,
            x_lo: xLo, x_hi: xHi, y_lo: yLo, y_hi: yHi)
    }
}

extension Epilogue {
    /// The treatment on `rows` x `cols` values at `p` (8-lane kernels: per-element results are the
    /// same at any width).
    func apply(_ p: UnsafeMutablePointer<Float>, rows: Int, cols: Int, ld: Int, channel0: Int) {
        FeatureMapsKernels.SIMDKernels.apply(self, to: p, rows: rows, cols: cols, ld: ld, channel0: channel0)
    }
}
