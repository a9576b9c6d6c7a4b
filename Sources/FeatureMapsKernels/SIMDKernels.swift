import FeatureMapsKernelTypes

/// The module's entry points, called by the engine on the ranges of its tasks through function
/// values (SIMDWidth.swift). Their 16-lane twins are the C functions of CKernelsAVX512
/// (kernels_avx512.h).
public enum SIMDKernels {
    /// Float lanes of this module's vectors (8).
    public static let lanes = Vec.scalarCount
    /// Rows of the GEMM's main tile (its task blocks should be multiples of it).
    public static let gemmTileRows = RegisterGEMM.pairRows

    /// C[rows, cols] = A[rows, 0..<K] * B[0..<K, cols], then `epilogue` (see `RegisterGEMM.run`).
    @inline(never)
    public static func gemm(
        a: UnsafePointer<Float>, k: Int, b: UnsafePointer<Float>, n: Int, c: UnsafeMutablePointer<Float>,
        rows: Range<Int>, cols: Range<Int>, epilogue: Epilogue
    ) {
        RegisterGEMM.run(a: a, k: k, b: b, n: n, c: c, rows: rows, cols: cols, epilogue: epilogue)
    }

    /// Output rows `rows` of the depthwise layer `shape` (see `DepthwiseTiles`).
    @inline(never)
    public static func depthwise(
        _ shape: DepthwiseShape, rows: Range<Int>, input: UnsafePointer<Float>, kernel: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, epilogue: Epilogue
    ) {
        DepthwiseTiles.rows(shape, rows, input, kernel, output, epilogue)
    }

    /// `epilogue` on `rows` x `cols` values at `p` (row stride `ld`) whose channels start at
    /// `channel0`; its residual, when set, has the layout of `p`.
    @inline(never)
    public static func apply(_ e: Epilogue, to p: UnsafeMutablePointer<Float>, rows: Int, cols: Int, ld: Int, channel0: Int) {
        if e.isNone { return }
        let vecCols = cols - cols % lanes
        for r in 0..<rows {
            let row = p + (r &* ld), first = r &* ld
            var j = 0
            while j < vecCols {
                storeVec(e.applied(loadVec(row + j), channel: channel0 &+ j, at: first &+ j), row + j)
                j &+= lanes
            }
            while j < cols {
                row[j] = e.applied(row[j], channel: channel0 &+ j, at: first &+ j)
                j &+= 1
            }
        }
    }
}
