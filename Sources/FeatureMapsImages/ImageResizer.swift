/// Antialiased resizing of RGBImage.
public enum ImageResizer {
    /// Pillow's `Image.resize((width, height), Image.BILINEAR)` on an RGB image, reproduced
    /// bit for bit (Pillow 13): ResampleAxis weights in 22-bit fixed point, one pass per axis,
    /// each rounded to 8 bits. Pass order follows Pillow 13 (python-pillow/Pillow#9549): the
    /// vertical pass runs first when the height shrinks by more than twice as many pixels as
    /// the width does, otherwise the horizontal pass runs first, over only the rows the
    /// vertical pass will read. Pillow 12 and earlier always go horizontal first; the two
    /// orders differ by at most 1 level, and only when both axes are resampled.
    /// An axis whose size does not change is not resampled; equal sizes return a copy.
    /// Shapes: (H, W, 3) -> (height, width, 3); width, height > 0.
    public static func resizeBilinear(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "resize target must be positive, got \(width)x\(height)")
        let needHorizontal = width != image.width
        let needVertical = height != image.height
        let vertical = ResampleAxis(inSize: image.height, outSize: height)
        let horizontal = ResampleAxis(inSize: image.width, outSize: width)
        if height < image.height && image.height - height > 2 * (image.width - width) {
            let shrunk = verticalPass(image, axis: vertical, rowOffset: 0)
            return needHorizontal ? horizontalPass(shrunk, rows: 0..<height, axis: horizontal) : shrunk
        }
        guard needHorizontal else {
            return needVertical ? verticalPass(image, axis: vertical, rowOffset: 0) : image
        }
        // Rows the vertical pass reads: from its first window's start to its last window's end.
        let rows =
            needVertical
            ? vertical.first[0]..<(vertical.first[height - 1] + vertical.count[height - 1])
            : 0..<image.height
        let narrowed = horizontalPass(image, rows: rows, axis: horizontal)
        return needVertical ? verticalPass(narrowed, axis: vertical, rowOffset: rows.lowerBound) : narrowed
    }

    /// (H, W, 3) -> (rows.count, axis.outSize, 3): each output pixel is the weighted sum of
    /// axis.count[x] input pixels of the same row, per channel.
    static func horizontalPass(_ image: RGBImage, rows: Range<Int>, axis: ResampleAxis) -> RGBImage {
        let outWidth = axis.outSize
        let taps = axis.taps
        var out = [UInt8](repeating: 0, count: rows.count * outWidth * 3)
        image.pixels.withUnsafeBufferPointer { src in
            axis.weights.withUnsafeBufferPointer { weights in
                axis.first.withUnsafeBufferPointer { first in
                    axis.count.withUnsafeBufferPointer { count in
                        out.withUnsafeMutableBufferPointer { dst in
                            let inStride = image.width * 3
                            for (row, y) in rows.enumerated() {
                                let srcRow = src.baseAddress! + y * inStride
                                let dstRow = dst.baseAddress! + row * outWidth * 3
                                for x in 0..<outWidth {
                                    let k = weights.baseAddress! + x * taps
                                    var p = srcRow + first[x] * 3
                                    var s0 = ResampleAxis.half, s1 = ResampleAxis.half, s2 = ResampleAxis.half
                                    for t in 0..<count[x] {
                                        let w = k[t]
                                        s0 &+= Int32(p[0]) &* w
                                        s1 &+= Int32(p[1]) &* w
                                        s2 &+= Int32(p[2]) &* w
                                        p += 3
                                    }
                                    dstRow[x * 3] = ResampleAxis.clip8(s0)
                                    dstRow[x * 3 + 1] = ResampleAxis.clip8(s1)
                                    dstRow[x * 3 + 2] = ResampleAxis.clip8(s2)
                                }
                            }
                        }
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: rows.count, pixels: out)
    }

    /// (H, W, 3) -> (axis.outSize, W, 3): output row y is the weighted sum of input rows
    /// axis.first[y] - rowOffset ..< + axis.count[y] (rowOffset: rows dropped before this pass).
    /// Accumulates a whole row per tap so the inner loop runs over contiguous bytes.
    static func verticalPass(_ image: RGBImage, axis: ResampleAxis, rowOffset: Int) -> RGBImage {
        let rowLength = image.width * 3
        let taps = axis.taps
        var out = [UInt8](repeating: 0, count: axis.outSize * rowLength)
        var sums = [Int32](repeating: 0, count: rowLength)
        image.pixels.withUnsafeBufferPointer { src in
            axis.weights.withUnsafeBufferPointer { weights in
                sums.withUnsafeMutableBufferPointer { acc in
                    out.withUnsafeMutableBufferPointer { dst in
                        for y in 0..<axis.outSize {
                            acc.update(repeating: ResampleAxis.half)
                            for t in 0..<axis.count[y] {
                                let w = weights[y * taps + t]
                                let srcRow = src.baseAddress! + (axis.first[y] - rowOffset + t) * rowLength
                                for i in 0..<rowLength { acc[i] &+= Int32(srcRow[i]) &* w }
                            }
                            let dstRow = dst.baseAddress! + y * rowLength
                            for i in 0..<rowLength { dstRow[i] = ResampleAxis.clip8(acc[i]) }
                        }
                    }
                }
            }
        }
        return RGBImage(width: image.width, height: axis.outSize, pixels: out)
    }
}
