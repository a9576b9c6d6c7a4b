// Depthwise 3x3 convolution (Keras `DepthwiseConv2D(kernel_size=3, use_bias=False)`) with the
// following BatchNorm and ReLU6 fused into the same pass when asked.

/// Namespace of the engine's kernels. Each fast kernel has a plain twin in `ReferenceKernels`.
public enum Kernels {}

/// Shape and padding of one depthwise 3x3 layer: HxWxC -> OHxOWxC with
/// out[oy, ox, c] = sum over ky, kx of in[oy*stride + ky - padTop, ox*stride + kx - padLeft, c] * k[ky, kx, c],
/// reading zero outside the input. Kernel [3, 3, C, 1] row-major: k[(ky*3 + kx)*C + c].
/// Keras's two cases: stride 1 'same' is padTop = padLeft = 1, OH = H; stride 2 after
/// ZeroPadding2D(correct_pad) 'valid' is pad = stride2Padding(n).before, OH = ceil(H/2).
struct DepthwiseShape {
    let h: Int, w: Int, c: Int, stride: Int, padTop: Int, padLeft: Int, oh: Int, ow: Int

    /// Output columns [xLo, xHi) and rows [yLo, yHi) whose 9 taps all lie inside the input.
    var xLo: Int { (padLeft + stride - 1) / stride }
    var xHi: Int { Self.interiorEnd(size: w, pad: padLeft, stride: stride, out: ow, start: xLo) }
    var yLo: Int { (padTop + stride - 1) / stride }
    var yHi: Int { Self.interiorEnd(size: h, pad: padTop, stride: stride, out: oh, start: yLo) }

    /// One past the last output index o with o*stride - pad + 2 <= size - 1.
    private static func interiorEnd(size: Int, pad: Int, stride: Int, out: Int, start: Int) -> Int {
        let span = size - 3 + pad
        return span < 0 ? start : max(start, min(out, span / stride + 1))
    }

    /// Output rows per task: an even number (tiles are 2 rows high), about 32 K outputs per task.
    var rowsPerTask: Int { max(2, (32_768 / max(1, ow * c) + 1) & ~1) }
    var taskCount: Int { (oh + rowsPerTask - 1) / rowsPerTask }
}

extension Kernels {
    /// The depthwise layer over all output rows, split into row tasks; `epilogue` (BatchNorm with
    /// optional ReLU6, no residual) is applied to each output as it is computed.
    /// Every output is the same sequence of fused multiply-adds, taps in (ky, kx) order from 0, on
    /// every path (tiles, borders, channel tails): tiling and threads change no bit.
    static func depthwise(
        _ pool: ThreadPool, _ s: DepthwiseShape, input: UnsafePointer<Float>, kernel: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, epilogue: Epilogue
    ) {
        require(s.stride == 1 || s.stride == 2, "depthwise stride must be 1 or 2, got \(s.stride)")
        pool.parallelFor(s.taskCount) { t in
            let first = t * s.rowsPerTask
            depthwiseRows(s, first..<min(s.oh, first + s.rowsPerTask), input, kernel, output, epilogue)
        }
    }

    private static func depthwiseRows(
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
                    // Literal arguments, so each of the four inlined copies has no branch on them.
                    switch (s.stride, pair) {
                    case (1, true): tile(s, oy, ox, true, 1, input, kernel, output, e)
                    case (1, false): tile(s, oy, ox, false, 1, input, kernel, output, e)
                    case (_, true): tile(s, oy, ox, true, 2, input, kernel, output, e)
                    default: tile(s, oy, ox, false, 2, input, kernel, output, e)
                    }
                    ox += 4
                } else {
                    pixel(s, oy, ox, input, kernel, output, e)
                    if pair { pixel(s, oy + 1, ox, input, kernel, output, e) }
                    ox += 1
                }
            }
            oy += pair ? 2 : 1
        }
    }

    /// 1 or 2 output rows x 4 output columns, 8 channels at a time; all taps inside the input.
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
            finish(a0, dst0 + ch, ch, e); finish(a1, dst0 + (c &+ ch), ch, e)
            finish(a2, dst0 + (2 &* c &+ ch), ch, e); finish(a3, dst0 + (3 &* c &+ ch), ch, e)
            if pair {
                finish(b0, dst1 + ch, ch, e); finish(b1, dst1 + (c &+ ch), ch, e)
                finish(b2, dst1 + (2 &* c &+ ch), ch, e); finish(b3, dst1 + (3 &* c &+ ch), ch, e)
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
