import FeatureMapsKernelTypes

// The engine's own GEMM for 1x1 convolutions, where it was measured faster than OpenBLAS (the
// engine chooses per layer, see `Kernels.gemmChoice`): register tiles that read the Keras kernel in
// place (no packing, no extra copy of the weights) and apply the epilogue in registers. OpenBLAS
// (`BLAS.gemm`) is its twin in the tests.
//
// Tiles: 4 rows x 2 vectors of columns (8 of AVX2's 16 registers), then 8 rows x 1 vector, 8 rows x
// half a vector, then single columns. A tile at the end of the rows reads its missing rows from its
// last row and stores only the rows it has. Columns are the outer loop: a panel of B (K x 2
// vectors, strided by N) stays in cache while every row tile of the block passes over it. The
// 16-lane twin, CKernelsAVX512/gemm.c (7 x 2 vector tiles, 8 x 1.5 vectors for 24 columns), gives
// the same results bit for bit.

enum RegisterGEMM {
    static let pairRows = 4

    /// C[rows, cols] = A[rows, 0..<K] * B[0..<K, cols] (A row-major with row stride `k`, B and C with
    /// row stride `n`), then `epilogue` (its residual laid out as C). Each output is K multiply-adds
    /// (`madd`) in k order starting from 0 on every path and at every vector width: the tiling, the
    /// task split and the vector width (this module's 8 lanes, CKernelsAVX512's 16) change no bit.
    static func run(
        a: UnsafePointer<Float>, k: Int, b: UnsafePointer<Float>, n: Int, c: UnsafeMutablePointer<Float>,
        rows: Range<Int>, cols: Range<Int>, epilogue e: Epilogue
    ) {
        var j = cols.lowerBound
        while j &+ 2 &* lanes <= cols.upperBound {
            var i = rows.lowerBound
            while i < rows.upperBound {
                let count = min(pairRows, rows.upperBound &- i)
                tile4x2(a, k, b, n, c, i, count, j, e)
                i &+= pairRows
            }
            j &+= 2 &* lanes
        }
        if j &+ lanes <= cols.upperBound {
            var i = rows.lowerBound
            while i < rows.upperBound { tile8x1(a, k, b, n, c, i, min(8, rows.upperBound &- i), j, e); i &+= 8 }
            j &+= lanes
        }
        if j &+ halfLanes <= cols.upperBound {
            var i = rows.lowerBound
            while i < rows.upperBound { tile8xHalf(a, k, b, n, c, i, min(8, rows.upperBound &- i), j, e); i &+= 8 }
            j &+= halfLanes
        }
        while j < cols.upperBound {
            for r in rows {
                var acc: Float = 0
                for kk in 0..<k { acc = madd(acc, a[r &* k &+ kk], b[kk &* n &+ j]) }
                c[r &* n &+ j] = e.applied(acc, channel: j, at: r &* n &+ j)
            }
            j &+= 1
        }
    }

    /// Row `r` of A for a tile at row `i` with `count` real rows: rows past the end read the last one.
    @inline(__always)
    static func row(_ a: UnsafePointer<Float>, _ k: Int, _ i: Int, _ r: Int, _ count: Int) -> UnsafePointer<Float> {
        a + (i &+ (r < count ? r : count &- 1)) &* k
    }

    // Stores of a tile. The main tiles (R x 2 vectors) apply the epilogue in registers, written out
    // in the tile; the column tails store raw sums, then `finish` treats the tile's block while it
    // is in L1 (an epilogue inlined into each store was left as calls by the inliner). The same
    // operations on the same values as `Epilogue.applied` either way, so no bit changes.
    @inline(__always)
    static func store(_ acc: Vec, _ c: UnsafeMutablePointer<Float>, _ n: Int, _ i: Int, _ r: Int, _ count: Int, _ j: Int) {
        if r < count { storeVec(acc, c + ((i &+ r) &* n &+ j)) }
    }

    @inline(__always)
    static func store(_ acc: HalfVec, _ c: UnsafeMutablePointer<Float>, _ n: Int, _ i: Int, _ r: Int, _ count: Int, _ j: Int) {
        if r < count { storeHalf(acc, c + ((i &+ r) &* n &+ j)) }
    }

    /// `e` on rows i..<i+count, columns j..<j+width of C.
    @inline(never)
    static func finish(_ e: Epilogue, _ c: UnsafeMutablePointer<Float>, _ n: Int, _ i: Int, _ count: Int, _ j: Int, _ width: Int) {
        if e.isNone { return }
        let first = i &* n &+ j
        var block = e
        block.residual = e.residual.map { $0 + first }
        for r in 0..<count {
            let row = c + (first &+ r &* n), at = r &* n
            var q = 0
            while q &+ lanes <= width {
                storeVec(block.applied(loadVec(row + q), channel: j &+ q, at: at &+ q), row + q)
                q &+= lanes
            }
            while q &+ halfLanes <= width {
                storeHalf(block.applied(loadHalf(row + q), channel: j &+ q, at: at &+ q), row + q)
                q &+= halfLanes
            }
        }
    }

    private static func tile4x2(
        _ a: UnsafePointer<Float>, _ k: Int, _ b: UnsafePointer<Float>, _ n: Int, _ c: UnsafeMutablePointer<Float>,
        _ i: Int, _ count: Int, _ j: Int, _ e: Epilogue
    ) {
        var c00 = Vec(), c01 = Vec(), c10 = Vec(), c11 = Vec(), c20 = Vec(), c21 = Vec(), c30 = Vec(), c31 = Vec()
        let a0 = row(a, k, i, 0, count), a1 = row(a, k, i, 1, count), a2 = row(a, k, i, 2, count), a3 = row(a, k, i, 3, count)
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
        // The epilogue in registers, written out (the same operations as `Epilogue.applied`:
        // x * scale + shift, + residual, clamp); rows past `count` read the last row's residual.
        let j1 = j &+ lanes
        if let sc = e.scale, let sh = e.shift {
            let m0 = loadVec(sc + j), m1 = loadVec(sc + j1), d0 = loadVec(sh + j), d1 = loadVec(sh + j1)
            c00 = c00 * m0 + d0; c01 = c01 * m1 + d1
            c10 = c10 * m0 + d0; c11 = c11 * m1 + d1
            c20 = c20 * m0 + d0; c21 = c21 * m1 + d1
            c30 = c30 * m0 + d0; c31 = c31 * m1 + d1
        }
        if let res = e.residual {
            let r0 = res + ((i &+ (0 < count ? 0 : count &- 1)) &* n &+ j); c00 = c00 + loadVec(r0); c01 = c01 + loadVec(r0 + lanes)
            let r1 = res + ((i &+ (1 < count ? 1 : count &- 1)) &* n &+ j); c10 = c10 + loadVec(r1); c11 = c11 + loadVec(r1 + lanes)
            let r2 = res + ((i &+ (2 < count ? 2 : count &- 1)) &* n &+ j); c20 = c20 + loadVec(r2); c21 = c21 + loadVec(r2 + lanes)
            let r3 = res + ((i &+ (3 < count ? 3 : count &- 1)) &* n &+ j); c30 = c30 + loadVec(r3); c31 = c31 + loadVec(r3 + lanes)
        }
        if e.relu6 {
            c00 = clampReLU6(c00); c01 = clampReLU6(c01)
            c10 = clampReLU6(c10); c11 = clampReLU6(c11)
            c20 = clampReLU6(c20); c21 = clampReLU6(c21)
            c30 = clampReLU6(c30); c31 = clampReLU6(c31)
        }
        store(c00, c, n, i, 0, count, j); store(c01, c, n, i, 0, count, j1)
        store(c10, c, n, i, 1, count, j); store(c11, c, n, i, 1, count, j1)
        store(c20, c, n, i, 2, count, j); store(c21, c, n, i, 2, count, j1)
        store(c30, c, n, i, 3, count, j); store(c31, c, n, i, 3, count, j1)
    }
}
