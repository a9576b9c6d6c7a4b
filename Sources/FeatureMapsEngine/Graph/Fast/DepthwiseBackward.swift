// The fast twin of DepthwiseConv2DLayer.backward's loop (ExecutionContext.kernels == .fast),
// depth multiplier 1: TensorFlow's DepthwiseConv2dNativeBackpropInput as a GATHER over the input
// pixels instead of the reference's scatter, so bands of input rows run on the pool's threads:
//   dx[iy, ix, c] = sum over taps (ky, kx) with iy = oy*SH + ky*DH - padTop, ix = ox*SW + kx*DW - padLeft
//                   (0 <= oy < OH, 0 <= ox < OW) of dz[oy, ox, c] * kernel[ky, kx, c, 0]
// in float32, taps in (ky, kx) order, SIMD over the channels (contiguous in NHWC). The bands depend
// on the shape only: the same bits on any thread count. Tested against the Double reference loop
// (ConvolutionBackwardTests).
// Shapes: dz (OH, OW, C), kernel (KH, KW, C, 1), dx (H, W, C), from the context's gradient pool;
// with `crop`, dx is only rows top..<top+h, columns left..<left+w of it, (h, w, C): the gradient of
// a ZeroPadding2D's input when the padding feeds this layer (FusedBackwardChain.swift).

enum DepthwiseBackward {
    static func inputGradient(
        _ l: DepthwiseConv2DLayer, _ dz: NDArray, inputShape shape: Shape, crop: Crop? = nil, _ context: ExecutionContext
    ) -> NDArray {
        let c = shape[2]
        let win = l.window(shape)!
        let (kh, kw) = (l.kernel.shape[0], l.kernel.shape[1])
        let (oh, ow) = (win.rows.output, win.cols.output)
        let crop = crop ?? Crop(top: 0, left: 0, height: shape[0], width: shape[1])
        let (h, w) = (crop.height, crop.width)
        var dx = context.gradients.take([h, w, c])
        dz.data.withUnsafeBufferPointer { gBuffer in
            l.kernel.values.withUnsafeBufferPointer { kBuffer in
                dx.data.withUnsafeMutableBufferPointer { dBuffer in
                    let g = gBuffer.baseAddress!, k = kBuffer.baseAddress!, d = dBuffer.baseAddress!
                    context.forEachBand(h, workPerItem: w * c * kh * kw) { rows in
                        for y in rows {
                            for x in 0..<w {
                                let out = d + (y * w + x) * c
                                out.update(repeating: 0, count: c)
                                for ky in 0..<kh {
                                    guard let oy = Self.output(y + crop.top, tap: ky, win.rows), oy < oh else { continue }
                                    for kx in 0..<kw {
                                        guard let ox = Self.output(x + crop.left, tap: kx, win.cols), ox < ow else { continue }
                                        Self.multiplyAdd(out, g + (oy * ow + ox) * c, k + (ky * kw + kx) * c, c)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// The rows and columns of the input gradient kept: (height, width) from (top, left).
    struct Crop {
        let top: Int, left: Int, height: Int, width: Int
    }

    /// The output index o with o*stride + tap*dilation - padBefore == i, when there is one (o >= 0).
    @inline(__always)
    static func output(_ i: Int, tap j: Int, _ a: AxisWindow) -> Int? {
        let t = i + a.padBefore - j * a.dilation
        guard t >= 0, t % a.stride == 0 else { return nil }
        return t / a.stride
    }

    /// out[0..<n] += a[0..<n] * b[0..<n], 16 then 8 lanes, then one by one.
    @inline(__always)
    static func multiplyAdd(_ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) {
        var i = 0
        let o = UnsafeMutableRawPointer(out), ar = UnsafeRawPointer(a), br = UnsafeRawPointer(b)
        while i + 16 <= n {
            let s = o.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
            let p = ar.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self) * br.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
            o.storeBytes(of: s + p, toByteOffset: 4 * i, as: SIMD16<Float>.self)
            i += 16
        }
        while i + 8 <= n {
            let s = o.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            let p = ar.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * br.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            o.storeBytes(of: s + p, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n {
            out[i] += a[i] * b[i]
            i += 1
        }
    }
}
