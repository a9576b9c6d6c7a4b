import FeatureMapsKernelTypes

// Depthwise 3x3 convolution (Keras `DepthwiseConv2D(kernel_size=3, use_bias=False)`) over a range of
// output rows, with the following BatchNorm and ReLU6 fused when asked (see `DepthwiseShape` for the
// indexing and Keras's paddings). Register tiles of 2 rows x 4 columns x one vector of channels, a
// stride-2 variant, border pixels outside the tiled loop. Every output is the same sequence of fused
// multiply-adds, taps in (ky, kx) order from 0, on every path (tiles, borders, channel tails) and at
// every vector width: tiling, threads and the width (8 lanes here, 16 in CKernelsAVX512/depthwise.c)
// change no bit. Twin: ReferenceKernels.depthwiseConv3x3.

enum DepthwiseTiles {
    static func rows(
        _ s: DepthwiseShape, _ rows: Range<Int>, _ input: UnsafePointer<Float>, _ kernel: UnsafePointer<Float>,
        _ output: UnsafeMutablePointer<Float>, _ e: Epilogue
    ) {
        let (xLo, xHi, yLo, yHi) = (s.xLo, s.xHi, s.yLo, s.yHi)
        var oy = rows.lowerBound
        while oy < rows.upperBound {
            // Border rows one at a time; interior rows in pairs, a last one alone.
            let interior = oy >= yLo && oy < yHi
            let pair = interior && oy + 1 < min(rows.upperBound, yHi)
            var ox = 0
            while ox < s.ow {
                if interior && ox >= xLo && ox + 4 <= xHi {
                    let end = ox + (xHi - ox) / 4 * 4
                    switch (s.stride, pair) {
                    case (1, true): tilesS1Pair(s, oy, ox..<end, input, kernel, output, e)
                    case (1, false): tilesS1(s, oy, ox..<end, input, kernel, output, e)
                    case (_, true): tilesS2Pair(s, oy, ox..<end, input, kernel, output, e)
                    default: tilesS2(s, oy, ox..<end, input, kernel, output, e)
                    }
                    ox = end
                } else {
                    pixel(s, oy, ox, input, kernel, output, e)
                    if pair { pixel(s, oy + 1, ox, input, kernel, output, e) }
                    ox += 1
                }
            }
            oy += pair ? 2 : 1
        }
    }

    // A run of tiles along one row (or a pair of rows), one function per (stride, pair) with literal
    // arguments, so each has its own copy of `tile` with no branch on them. (Four copies inlined into
    // `rows` exceeded the inliner's budget: some became calls to a generic tile, 30 % slower.)
    @inline(never)
    private static func tilesS1Pair(
        _ s: DepthwiseShape, _ oy: Int, _ xs: Range<Int>, _ input: UnsafePointer<Float>,
        _ kernel: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ e: Epilogue
    ) {
        for ox in stride(from: xs.lowerBound, to: xs.upperBound, by: 4) { tile(s, oy, ox, true, 1, input, kernel, output, e) }
    }

    @inline(never)
    private static func tilesS1(
        _ s: DepthwiseShape, _ oy: Int, _ xs: Range<Int>, _ input: UnsafePointer<Float>,
        _ kernel: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ e: Epilogue
    ) {
        for ox in stride(from: xs.lowerBound, to: xs.upperBound, by: 4) { tile(s, oy, ox, false, 1, input, kernel, output, e) }
    }

    @inline(never)
    private static func tilesS2Pair(
        _ s: DepthwiseShape, _ oy: Int, _ xs: Range<Int>, _ input: UnsafePointer<Float>,
        _ kernel: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ e: Epilogue
    ) {
        for ox in stride(from: xs.lowerBound, to: xs.upperBound, by: 4) { tile(s, oy, ox, true, 2, input, kernel, output, e) }
    }

    @inline(never)
    private static func tilesS2(
        _ s: DepthwiseShape, _ oy: Int, _ xs: Range<Int>, _ input: UnsafePointer<Float>,
        _ kernel: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ e: Epilogue
    ) {
        for ox in stride(from: xs.lowerBound, to: xs.upperBound, by: 4) { tile(s, oy, ox, false, 2, input, kernel, output, e) }
    }

    /// 1 or 2 output rows x 4 output columns, one vector of channels at a time; all taps inside the input.
    @inline(__always)
    private static func tile(
        _ s: DepthwiseShape, _ oy: Int, _ ox: Int, _ pair: Bool, _ stride: Int, _ input: UnsafePointer<Float>,
        _ kernel: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ e: Epilogue
    ) {
        let c = s.c, step = stride &* c, rowStride = s.w &* c
        // Input at tap (0, 0) of output (oy, ox), channel 0; output row oy+1 starts stride rows lower.
        let src0 = input + ((oy &* stride &- s.padTop) &* s.w &+ ox &* stride &- s.padLeft) &* c
        let src1 = src0 + stride &* rowStride
        let dst0 = output + (oy &* s.ow &+ ox) &* c
        let dst1 = dst0 + s.ow &* c
        var ch = 0
        while ch &+ lanes <= c {
            var a0 = Vec(), a1 = Vec(), a2 = Vec(), a3 = Vec()
            var b0 = Vec(), b1 = Vec(), b2 = Vec(), b3 = Vec()
            for ky in 0..<3 {
                let r0 = src0 + (ky &* rowStride &+ ch), r1 = src1 + (ky &* rowStride &+ ch)
                for kx in 0..<3 {
                    let k = loadVec(kernel + ((ky &* 3 &+ kx) &* c &+ ch))
                    let o = kx &* c
                    a0 = madd(a0, loadVec(r0 + o), k)
                    a1 = madd(a1, loadVec(r0 + (o &+ step)), k)
                    a2 = madd(a2, loadVec(r0 + (o &+ 2 &* step)), k)
                    a3 = madd(a3, loadVec(r0 + (o &+ 3 &* step)), k)
                    if pair {
                        b0 = madd(b0, loadVec(r1 + o), k)
                        b1 = madd(b1, loadVec(r1 + (o &+ step)), k)
                        b2 = madd(b2, loadVec(r1 + (o &+ 2 &* step)), k)
                        b3 = madd(b3, loadVec(r1 + (o &+ 3 &* step)), k)
                    }
                }
            }
            // The epilogue written out here (BatchNorm, then the clamp; depthwise layers have no
            // residual): the same operations as `Epilogue.applied`, which the inliner left as calls.
            if let sc = e.scale, let sh = e.shift {
                let m = loadVec(sc + ch), d = loadVec(sh + ch)
                a0 = a0 * m + d; a1 = a1 * m + d; a2 = a2 * m + d; a3 = a3 * m + d
                if pair { b0 = b0 * m + d; b1 = b1 * m + d; b2 = b2 * m + d; b3 = b3 * m + d }
            }
            if e.relu6 {
                a0 = clampReLU6(a0); a1 = clampReLU6(a1); a2 = clampReLU6(a2); a3 = clampReLU6(a3)
                if pair { b0 = clampReLU6(b0); b1 = clampReLU6(b1); b2 = clampReLU6(b2); b3 = clampReLU6(b3) }
            }
            storeVec(a0, dst0 + ch); storeVec(a1, dst0 + (c &+ ch))
            storeVec(a2, dst0 + (2 &* c &+ ch)); storeVec(a3, dst0 + (3 &* c &+ ch))
            if pair {
                storeVec(b0, dst1 + ch); storeVec(b1, dst1 + (c &+ ch))
                storeVec(b2, dst1 + (2 &* c &+ ch)); storeVec(b3, dst1 + (3 &* c &+ ch))
            }
            ch &+= lanes
        }
        if ch < c {
            for q in 0..<4 {
                pixelTail(s, oy, ox + q, from: ch, input, kernel, output, e)
                if pair { pixelTail(s, oy + 1, ox + q, from: ch, input, kernel, output, e) }
            }
        }
    }

    @inline(__always)
    private static func finish(_ acc: Vec, _ dst: UnsafeMutablePointer<Float>, _ ch: Int, _ e: Epilogue) {
        storeVec(e.applied(acc, channel: ch, at: 0), dst)  // no residual here
    }

    /// One output pixel, every channel, taps outside the input skipped (they would add 0 * k).
    private static func pixel(
        _ s: DepthwiseShape, _ oy: Int, _ ox: Int, _ input: UnsafePointer<Float>, _ kernel: UnsafePointer<Float>,
        _ output: UnsafeMutablePointer<Float>, _ e: Epilogue
    ) {
        let c = s.c
        let dst = output + (oy * s.ow + ox) * c
        let y0 = oy * s.stride - s.padTop, x0 = ox * s.stride - s.padLeft
        let ky0 = max(0, -y0), ky1 = max(ky0, min(3, s.h - y0)), kx0 = max(0, -x0), kx1 = max(kx0, min(3, s.w - x0))
        var ch = 0
        // Eight, then four vectors of channels at a time: independent chains of multiply-adds (one
        // chain waited on each FMA's latency; the 7x7 and 14x14 layers are mostly border pixels).
        while ch &+ 8 &* lanes <= c {
            var acc = (Vec(), Vec(), Vec(), Vec(), Vec(), Vec(), Vec(), Vec())
            for ky in ky0..<ky1 {
                for kx in kx0..<kx1 {
                    let src = input + (((y0 &+ ky) &* s.w &+ x0 &+ kx) &* c &+ ch), k = kernel + ((ky &* 3 &+ kx) &* c &+ ch)
                    acc.0 = madd(acc.0, loadVec(src), loadVec(k))
                    acc.1 = madd(acc.1, loadVec(src + lanes), loadVec(k + lanes))
                    acc.2 = madd(acc.2, loadVec(src + 2 &* lanes), loadVec(k + 2 &* lanes))
                    acc.3 = madd(acc.3, loadVec(src + 3 &* lanes), loadVec(k + 3 &* lanes))
                    acc.4 = madd(acc.4, loadVec(src + 4 &* lanes), loadVec(k + 4 &* lanes))
                    acc.5 = madd(acc.5, loadVec(src + 5 &* lanes), loadVec(k + 5 &* lanes))
                    acc.6 = madd(acc.6, loadVec(src + 6 &* lanes), loadVec(k + 6 &* lanes))
                    acc.7 = madd(acc.7, loadVec(src + 7 &* lanes), loadVec(k + 7 &* lanes))
                }
            }
            if let sc = e.scale, let sh = e.shift {
                let m = sc + ch, d = sh + ch
                acc.0 = acc.0 * loadVec(m) + loadVec(d)
                acc.1 = acc.1 * loadVec(m + lanes) + loadVec(d + lanes)
                acc.2 = acc.2 * loadVec(m + 2 &* lanes) + loadVec(d + 2 &* lanes)
                acc.3 = acc.3 * loadVec(m + 3 &* lanes) + loadVec(d + 3 &* lanes)
                acc.4 = acc.4 * loadVec(m + 4 &* lanes) + loadVec(d + 4 &* lanes)
                acc.5 = acc.5 * loadVec(m + 5 &* lanes) + loadVec(d + 5 &* lanes)
                acc.6 = acc.6 * loadVec(m + 6 &* lanes) + loadVec(d + 6 &* lanes)
                acc.7 = acc.7 * loadVec(m + 7 &* lanes) + loadVec(d + 7 &* lanes)
            }
            if e.relu6 {
                acc.0 = clampReLU6(acc.0); acc.1 = clampReLU6(acc.1); acc.2 = clampReLU6(acc.2); acc.3 = clampReLU6(acc.3)
                acc.4 = clampReLU6(acc.4); acc.5 = clampReLU6(acc.5); acc.6 = clampReLU6(acc.6); acc.7 = clampReLU6(acc.7)
            }
            let o = dst + ch
            storeVec(acc.0, o); storeVec(acc.1, o + lanes); storeVec(acc.2, o + 2 &* lanes); storeVec(acc.3, o + 3 &* lanes)
            storeVec(acc.4, o + 4 &* lanes); storeVec(acc.5, o + 5 &* lanes); storeVec(acc.6, o + 6 &* lanes); storeVec(acc.7, o + 7 &* lanes)
            ch &+= 8 &* lanes
        }
        while ch &+ 4 &* lanes <= c {
            var a0 = Vec(), a1 = Vec(), a2 = Vec(), a3 = Vec()
            for ky in ky0..<ky1 {
                for kx in kx0..<kx1 {
                    let src = input + (((y0 &+ ky) &* s.w &+ x0 &+ kx) &* c &+ ch), k = kernel + ((ky &* 3 &+ kx) &* c &+ ch)
                    a0 = madd(a0, loadVec(src), loadVec(k))
                    a1 = madd(a1, loadVec(src + lanes), loadVec(k + lanes))
                    a2 = madd(a2, loadVec(src + 2 &* lanes), loadVec(k + 2 &* lanes))
                    a3 = madd(a3, loadVec(src + 3 &* lanes), loadVec(k + 3 &* lanes))
                }
            }
            if let sc = e.scale, let sh = e.shift {
                a0 = a0 * loadVec(sc + ch) + loadVec(sh + ch)
                a1 = a1 * loadVec(sc + (ch &+ lanes)) + loadVec(sh + (ch &+ lanes))
                a2 = a2 * loadVec(sc + (ch &+ 2 &* lanes)) + loadVec(sh + (ch &+ 2 &* lanes))
                a3 = a3 * loadVec(sc + (ch &+ 3 &* lanes)) + loadVec(sh + (ch &+ 3 &* lanes))
            }
            if e.relu6 { a0 = clampReLU6(a0); a1 = clampReLU6(a1); a2 = clampReLU6(a2); a3 = clampReLU6(a3) }
            storeVec(a0, dst + ch); storeVec(a1, dst + (ch &+ lanes))
            storeVec(a2, dst + (ch &+ 2 &* lanes)); storeVec(a3, dst + (ch &+ 3 &* lanes))
            ch &+= 4 &* lanes
        }
        while ch &+ lanes <= c {
            var acc = Vec()
            for ky in ky0..<ky1 {
                for kx in kx0..<kx1 {
                    let src = input + (((y0 &+ ky) &* s.w &+ x0 &+ kx) &* c &+ ch)
                    acc = madd(acc, loadVec(src), loadVec(kernel + ((ky &* 3 &+ kx) &* c &+ ch)))
                }
            }
            finish(acc, dst + ch, ch, e)
            ch &+= lanes
        }
        pixelTail(s, oy, ox, from: ch, input, kernel, output, e)
    }

    /// Channels `from`..<C of one output pixel, one at a time.
    private static func pixelTail(
        _ s: DepthwiseShape, _ oy: Int, _ ox: Int, from: Int, _ input: UnsafePointer<Float>,
        _ kernel: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ e: Epilogue
    ) {
        let c = s.c
        let dst = output + (oy * s.ow + ox) * c
        for ch in from..<c {
            var acc: Float = 0
            for ky in 0..<3 {
                let iy = oy * s.stride + ky - s.padTop
                if iy < 0 || iy >= s.h { continue }
                for kx in 0..<3 {
                    let ix = ox * s.stride + kx - s.padLeft
                    if ix < 0 || ix >= s.w { continue }
                    acc = madd(acc, input[(iy * s.w + ix) * c + ch], kernel[(ky * 3 + kx) * c + ch])
                }
            }
            dst[ch] = e.applied(acc, channel: ch, at: 0)
        }
    }
}
