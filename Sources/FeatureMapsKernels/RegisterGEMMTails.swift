import FeatureMapsKernelTypes

// The register GEMM's column tails (RegisterGEMM.swift has the main tiles and the contract): 8 rows
// x one vector, x half a vector, and, with 16 lanes, x one and a half vectors for the 24-channel
// projections. Each output is the same K multiply-adds in k order as in the main tiles.

extension RegisterGEMM {
    #if FEATUREMAPS_AVX512
    /// 8 rows x (one vector + half a vector): 16 accumulators of the 32 ZMM/YMM registers, one pass
    /// over A for 24 columns; the epilogue in registers.
    static func tile8x1h(
        _ a: UnsafePointer<Float>, _ k: Int, _ b: UnsafePointer<Float>, _ n: Int, _ c: UnsafeMutablePointer<Float>,
        _ i: Int, _ count: Int, _ j: Int, _ e: Epilogue
    ) {
        var v0 = Vec(), v1 = Vec(), v2 = Vec(), v3 = Vec()
        var v4 = Vec(), v5 = Vec(), v6 = Vec(), v7 = Vec()
        var h0 = HalfVec(), h1 = HalfVec(), h2 = HalfVec(), h3 = HalfVec()
        var h4 = HalfVec(), h5 = HalfVec(), h6 = HalfVec(), h7 = HalfVec()
        let a0 = row(a, k, i, 0, count), a1 = row(a, k, i, 1, count), a2 = row(a, k, i, 2, count), a3 = row(a, k, i, 3, count)
        let a4 = row(a, k, i, 4, count), a5 = row(a, k, i, 5, count), a6 = row(a, k, i, 6, count), a7 = row(a, k, i, 7, count)
        var bp = b + j
        for kk in 0..<k {
            let b0 = loadVec(bp), b1 = loadHalf(bp + lanes)
            let x0 = a0[kk]; v0 = madd(v0, Vec(repeating: x0), b0); h0 = madd(h0, HalfVec(repeating: x0), b1)
            let x1 = a1[kk]; v1 = madd(v1, Vec(repeating: x1), b0); h1 = madd(h1, HalfVec(repeating: x1), b1)
            let x2 = a2[kk]; v2 = madd(v2, Vec(repeating: x2), b0); h2 = madd(h2, HalfVec(repeating: x2), b1)
            let x3 = a3[kk]; v3 = madd(v3, Vec(repeating: x3), b0); h3 = madd(h3, HalfVec(repeating: x3), b1)
            let x4 = a4[kk]; v4 = madd(v4, Vec(repeating: x4), b0); h4 = madd(h4, HalfVec(repeating: x4), b1)
            let x5 = a5[kk]; v5 = madd(v5, Vec(repeating: x5), b0); h5 = madd(h5, HalfVec(repeating: x5), b1)
            let x6 = a6[kk]; v6 = madd(v6, Vec(repeating: x6), b0); h6 = madd(h6, HalfVec(repeating: x6), b1)
            let x7 = a7[kk]; v7 = madd(v7, Vec(repeating: x7), b0); h7 = madd(h7, HalfVec(repeating: x7), b1)
            bp += n
        }
        let jh = j &+ lanes
        if let sc = e.scale, let sh = e.shift {
            let m0 = loadVec(sc + j), d0 = loadVec(sh + j), m1 = loadHalf(sc + jh), d1 = loadHalf(sh + jh)
            v0 = v0 * m0 + d0; h0 = h0 * m1 + d1
            v1 = v1 * m0 + d0; h1 = h1 * m1 + d1
            v2 = v2 * m0 + d0; h2 = h2 * m1 + d1
            v3 = v3 * m0 + d0; h3 = h3 * m1 + d1
            v4 = v4 * m0 + d0; h4 = h4 * m1 + d1
            v5 = v5 * m0 + d0; h5 = h5 * m1 + d1
            v6 = v6 * m0 + d0; h6 = h6 * m1 + d1
            v7 = v7 * m0 + d0; h7 = h7 * m1 + d1
        }
        if let res = e.residual {
            let r0 = res + ((i &+ (0 < count ? 0 : count &- 1)) &* n &+ j); v0 = v0 + loadVec(r0); h0 = h0 + loadHalf(r0 + lanes)
            let r1 = res + ((i &+ (1 < count ? 1 : count &- 1)) &* n &+ j); v1 = v1 + loadVec(r1); h1 = h1 + loadHalf(r1 + lanes)
            let r2 = res + ((i &+ (2 < count ? 2 : count &- 1)) &* n &+ j); v2 = v2 + loadVec(r2); h2 = h2 + loadHalf(r2 + lanes)
            let r3 = res + ((i &+ (3 < count ? 3 : count &- 1)) &* n &+ j); v3 = v3 + loadVec(r3); h3 = h3 + loadHalf(r3 + lanes)
            let r4 = res + ((i &+ (4 < count ? 4 : count &- 1)) &* n &+ j); v4 = v4 + loadVec(r4); h4 = h4 + loadHalf(r4 + lanes)
            let r5 = res + ((i &+ (5 < count ? 5 : count &- 1)) &* n &+ j); v5 = v5 + loadVec(r5); h5 = h5 + loadHalf(r5 + lanes)
            let r6 = res + ((i &+ (6 < count ? 6 : count &- 1)) &* n &+ j); v6 = v6 + loadVec(r6); h6 = h6 + loadHalf(r6 + lanes)
            let r7 = res + ((i &+ (7 < count ? 7 : count &- 1)) &* n &+ j); v7 = v7 + loadVec(r7); h7 = h7 + loadHalf(r7 + lanes)
        }
        if e.relu6 {
            v0 = clampReLU6(v0); h0 = clampReLU6(h0)
            v1 = clampReLU6(v1); h1 = clampReLU6(h1)
            v2 = clampReLU6(v2); h2 = clampReLU6(h2)
            v3 = clampReLU6(v3); h3 = clampReLU6(h3)
            v4 = clampReLU6(v4); h4 = clampReLU6(h4)
            v5 = clampReLU6(v5); h5 = clampReLU6(h5)
            v6 = clampReLU6(v6); h6 = clampReLU6(h6)
            v7 = clampReLU6(v7); h7 = clampReLU6(h7)
        }
        store(v0, c, n, i, 0, count, j); store(h0, c, n, i, 0, count, jh)
        store(v1, c, n, i, 1, count, j); store(h1, c, n, i, 1, count, jh)
        store(v2, c, n, i, 2, count, j); store(h2, c, n, i, 2, count, jh)
        store(v3, c, n, i, 3, count, j); store(h3, c, n, i, 3, count, jh)
        store(v4, c, n, i, 4, count, j); store(h4, c, n, i, 4, count, jh)
        store(v5, c, n, i, 5, count, j); store(h5, c, n, i, 5, count, jh)
        store(v6, c, n, i, 6, count, j); store(h6, c, n, i, 6, count, jh)
        store(v7, c, n, i, 7, count, j); store(h7, c, n, i, 7, count, jh)
    }
    #endif

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
