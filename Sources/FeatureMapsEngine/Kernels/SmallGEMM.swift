// A GEMM for the small reduction lengths of MobileNetV2's first layers (K = 16 ... 32: Conv1's
// 27-column im2col rows, the 16- and 24-channel block inputs), where OpenBLAS spends more time
// packing its operands than multiplying. B (the Keras kernel, K x N row-major) is read in place:
// a panel of it two vectors wide (16 columns) is K x 64 bytes and stays in L1. OpenBLAS
// (`BLAS.gemm`) is its twin.

extension Kernels {
    /// The reduction lengths this kernel takes (chosen by measurement, see BENCHMARKS.md).
    /// Measured on the real model, one thread: K <= 32 saves 15-20 % in Conv1 and blocks 0-2, 5-10 %
    /// in blocks 3-6; K = 64 is even, and K = 96 or 144 (N = 24) lose 15-30 % to OpenBLAS.
    static func prefersSmallGEMM(k: Int, n: Int) -> Bool { k <= 32 && n >= lanes }

    /// C[rows, cols] = A[rows, 0..<K] * B[0..<K, cols] (A row-major with row stride `k`, B and C with
    /// row stride `n`), then `epilogue` in registers (its residual laid out as C). Each output is K
    /// multiply-adds (`madd`) in k order starting from 0, the same on every path (tiles of 4 rows x 2
    /// vectors, of 1 row, of 1 vector, single values), so the tiling changes no bit.
    static func smallGEMM(
        a: UnsafePointer<Float>, k: Int, b: UnsafePointer<Float>, n: Int, c: UnsafeMutablePointer<Float>,
        rows: Range<Int>, cols: Range<Int>, epilogue e: Epilogue
    ) {
        var i = rows.lowerBound
        while i < rows.upperBound {
            let four = i &+ 4 <= rows.upperBound
            var j = cols.lowerBound
            while j &+ 2 &* lanes <= cols.upperBound {
                if four { tile4Rows(a, k, b, n, c, i, j, e) } else { tile1Row(a, k, b, n, c, i, j, e) }
                j &+= 2 &* lanes
            }
            let last = four ? i &+ 4 : i &+ 1
            for r in i..<last {
                var jj = j
                if jj &+ lanes <= cols.upperBound {
                    var acc = Vec()
                    for kk in 0..<k { acc = madd(acc, Vec(repeating: a[r &* k &+ kk]), loadVec(b + (kk &* n &+ jj))) }
                    finish(acc, c, r, jj, n, e)
                    jj &+= lanes
                }
                while jj < cols.upperBound {
                    var acc: Float = 0
                    for kk in 0..<k { acc = madd(acc, a[r &* k &+ kk], b[kk &* n &+ jj]) }
                    c[r &* n &+ jj] = e.applied(acc, channel: jj, at: r &* n &+ jj)
                    jj &+= 1
                }
            }
            i = last
        }
    }

    @inline(__always)
    private static func tile4Rows(
        _ a: UnsafePointer<Float>, _ k: Int, _ b: UnsafePointer<Float>, _ n: Int, _ c: UnsafeMutablePointer<Float>,
        _ i: Int, _ j: Int, _ e: Epilogue
    ) {
        var c00 = Vec(), c01 = Vec(), c10 = Vec(), c11 = Vec(), c20 = Vec(), c21 = Vec(), c30 = Vec(), c31 = Vec()
        let a0 = a + i &* k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k
        var bp = b + j
        for kk in 0..<k {
            let b0 = loadVec(bp), b1 = loadVec(bp + lanes)
            let x0 = Vec(repeating: a0[kk]), x1 = Vec(repeating: a1[kk]), x2 = Vec(repeating: a2[kk]), x3 = Vec(repeating: a3[kk])
            c00 = madd(c00, x0, b0); c01 = madd(c01, x0, b1)
            c10 = madd(c10, x1, b0); c11 = madd(c11, x1, b1)
            c20 = madd(c20, x2, b0); c21 = madd(c21, x2, b1)
            c30 = madd(c30, x3, b0); c31 = madd(c31, x3, b1)
            bp += n
        }
        finish(c00, c, i, j, n, e); finish(c01, c, i, j &+ lanes, n, e)
        finish(c10, c, i &+ 1, j, n, e); finish(c11, c, i &+ 1, j &+ lanes, n, e)
        finish(c20, c, i &+ 2, j, n, e); finish(c21, c, i &+ 2, j &+ lanes, n, e)
        finish(c30, c, i &+ 3, j, n, e); finish(c31, c, i &+ 3, j &+ lanes, n, e)
    }

    @inline(__always)
    private static func tile1Row(
        _ a: UnsafePointer<Float>, _ k: Int, _ b: UnsafePointer<Float>, _ n: Int, _ c: UnsafeMutablePointer<Float>,
        _ i: Int, _ j: Int, _ e: Epilogue
    ) {
        var c0 = Vec(), c1 = Vec()
        let a0 = a + i &* k
        var bp = b + j
        for kk in 0..<k {
            let x = Vec(repeating: a0[kk])
            c0 = madd(c0, x, loadVec(bp)); c1 = madd(c1, x, loadVec(bp + lanes))
            bp += n
        }
        finish(c0, c, i, j, n, e); finish(c1, c, i, j &+ lanes, n, e)
    }

    /// Epilogue on 8 outputs of row `i` from column `j`, then the store.
    @inline(__always)
    private static func finish(_ acc: Vec, _ c: UnsafeMutablePointer<Float>, _ i: Int, _ j: Int, _ n: Int, _ e: Epilogue) {
        let at = i &* n &+ j
        storeVec(e.applied(acc, channel: j, at: at), c + at)
    }
}
