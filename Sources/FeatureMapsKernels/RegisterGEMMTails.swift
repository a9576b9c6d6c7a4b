import FeatureMapsKernelTypes

// The register GEMM's column tails (RegisterGEMM.swift has the main tiles and the contract): 8 rows
// x one vector and x half a vector. Each output is the same K multiply-adds in k order as in the
// main tiles.

extension RegisterGEMM {
    static func tile8x1(
        _ a: UnsafePointer<Float>, _ k: Int, _ b: UnsafePointer<Float>, _ n: Int, _ c: UnsafeMutablePointer<Float>,
        _ i: Int, _ count: Int, _ j: Int, _ e: Epilogue
    ) {
        var c0 = Vec(), c1 = Vec(), c2 = Vec(), c3 = Vec(), c4 = Vec(), c5 = Vec(), c6 = Vec(), c7 = Vec()
        let a0 = row(a, k, i, 0, count), a1 = row(a, k, i, 1, count), a2 = row(a, k, i, 2, count), a3 = row(a, k, i, 3, count)
        let a4 = row(a, k, i, 4, count), a5 = row(a, k, i, 5, count), a6 = row(a, k, i, 6, count), a7 = row(a, k, i, 7, count)
        var bp = b + j
        for kk in 0..<k {
            let b0 = loadVec(bp)
            c0 = madd(c0, Vec(repeating: a0[kk]), b0); c1 = madd(c1, Vec(repeating: a1[kk]), b0)
            c2 = madd(c2, Vec(repeating: a2[kk]), b0); c3 = madd(c3, Vec(repeating: a3[kk]), b0)
            c4 = madd(c4, Vec(repeating: a4[kk]), b0); c5 = madd(c5, Vec(repeating: a5[kk]), b0)
            c6 = madd(c6, Vec(repeating: a6[kk]), b0); c7 = madd(c7, Vec(repeating: a7[kk]), b0)
            bp += n
        }
        if let sc = e.scale, let sh = e.shift {
            let m0 = loadVec(sc + j), d0 = loadVec(sh + j)
            c0 = c0 * m0 + d0; c1 = c1 * m0 + d0; c2 = c2 * m0 + d0; c3 = c3 * m0 + d0
            c4 = c4 * m0 + d0; c5 = c5 * m0 + d0; c6 = c6 * m0 + d0; c7 = c7 * m0 + d0
        }
        if let res = e.residual {
            c0 = c0 + loadVec(res + ((i &+ (0 < count ? 0 : count &- 1)) &* n &+ j))
            c1 = c1 + loadVec(res + ((i &+ (1 < count ? 1 : count &- 1)) &* n &+ j))
            c2 = c2 + loadVec(res + ((i &+ (2 < count ? 2 : count &- 1)) &* n &+ j))
            c3 = c3 + loadVec(res + ((i &+ (3 < count ? 3 : count &- 1)) &* n &+ j))
            c4 = c4 + loadVec(res + ((i &+ (4 < count ? 4 : count &- 1)) &* n &+ j))
            c5 = c5 + loadVec(res + ((i &+ (5 < count ? 5 : count &- 1)) &* n &+ j))
            c6 = c6 + loadVec(res + ((i &+ (6 < count ? 6 : count &- 1)) &* n &+ j))
            c7 = c7 + loadVec(res + ((i &+ (7 < count ? 7 : count &- 1)) &* n &+ j))
        }
        if e.relu6 {
            c0 = clampReLU6(c0); c1 = clampReLU6(c1); c2 = clampReLU6(c2); c3 = clampReLU6(c3)
            c4 = clampReLU6(c4); c5 = clampReLU6(c5); c6 = clampReLU6(c6); c7 = clampReLU6(c7)
        }
        store(c0, c, n, i, 0, count, j); store(c1, c, n, i, 1, count, j)
        store(c2, c, n, i, 2, count, j); store(c3, c, n, i, 3, count, j)
        store(c4, c, n, i, 4, count, j); store(c5, c, n, i, 5, count, j)
        store(c6, c, n, i, 6, count, j); store(c7, c, n, i, 7, count, j)
    }

    static func tile8xHalf(
        _ a: UnsafePointer<Float>, _ k: Int, _ b: UnsafePointer<Float>, _ n: Int, _ c: UnsafeMutablePointer<Float>,
        _ i: Int, _ count: Int, _ j: Int, _ e: Epilogue
    ) {
        var c0 = HalfVec(), c1 = HalfVec(), c2 = HalfVec(), c3 = HalfVec(), c4 = HalfVec(), c5 = HalfVec(), c6 = HalfVec(), c7 = HalfVec()
        let a0 = row(a, k, i, 0, count), a1 = row(a, k, i, 1, count), a2 = row(a, k, i, 2, count), a3 = row(a, k, i, 3, count)
        let a4 = row(a, k, i, 4, count), a5 = row(a, k, i, 5, count), a6 = row(a, k, i, 6, count), a7 = row(a, k, i, 7, count)
        var bp = b + j
        for kk in 0..<k {
            let b0 = loadHalf(bp)
            c0 = madd(c0, HalfVec(repeating: a0[kk]), b0); c1 = madd(c1, HalfVec(repeating: a1[kk]), b0)
            c2 = madd(c2, HalfVec(repeating: a2[kk]), b0); c3 = madd(c3, HalfVec(repeating: a3[kk]), b0)
            c4 = madd(c4, HalfVec(repeating: a4[kk]), b0); c5 = madd(c5, HalfVec(repeating: a5[kk]), b0)
            c6 = madd(c6, HalfVec(repeating: a6[kk]), b0); c7 = madd(c7, HalfVec(repeating: a7[kk]), b0)
            bp += n
        }
        store(c0, c, n, i, 0, count, j); store(c1, c, n, i, 1, count, j)
        store(c2, c, n, i, 2, count, j); store(c3, c, n, i, 3, count, j)
        store(c4, c, n, i, 4, count, j); store(c5, c, n, i, 5, count, j)
        store(c6, c, n, i, 6, count, j); store(c7, c, n, i, 7, count, j)
        finish(e, c, n, i, count, j, halfLanes)
    }
}
