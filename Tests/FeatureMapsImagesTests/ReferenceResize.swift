import FeatureMapsImages

/// Slow twin of ImageResizer.resizeBilinear: Pillow's ImagingResampleInner with
/// precompute_coeffs, normalize_coeffs_8bpc and the 8-bit horizontal/vertical passes
/// (src/libImaging/Resample.c), transcribed loop for loop with plain array indexing,
/// including Pillow 13's choice of pass order.
enum ReferenceResize {
    static func coefficients(inSize: Int, outSize: Int) -> (bounds: [(min: Int, count: Int)], weights: [[Int]]) {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = scale < 1.0 ? 1.0 : scale
        let support = 1.0 * filterScale
        var bounds: [(min: Int, count: Int)] = []
        var weights: [[Int]] = []
        for xx in 0..<outSize {
            let center = (Double(xx) + 0.5) * scale
            var xmin = Int(center - support + 0.5)
            if xmin < 0 { xmin = 0 }
            var xmax = Int(center + support + 0.5)
            if xmax > inSize { xmax = inSize }
            xmax -= xmin
            var k: [Double] = []
            var ww = 0.0
            for x in 0..<xmax {
                let t = abs((Double(x + xmin) - center + 0.5) * (1.0 / filterScale))
                let w = t < 1.0 ? 1.0 - t : 0.0
                k.append(w)
                ww += w
            }
            if ww != 0.0 { k = k.map { $0 / ww } }
            weights.append(k.map { $0 < 0 ? Int(-0.5 + $0 * 4194304.0) : Int(0.5 + $0 * 4194304.0) })
            bounds.append((xmin, xmax))
        }
        return (bounds, weights)
    }

    static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        let vertical = coefficients(inSize: image.height, outSize: height)
        let verticalFirst = height < image.height && (image.height - height) > (image.width - width) * 2
        if verticalFirst {
            let shrunk = verticalPass(image, vertical, rowShift: 0)
            return horizontalPass(shrunk, width: width, firstRow: 0, rows: height)
        }
        var current = image
        var rowShift = 0
        if width != image.width {
            var firstRow = 0
            var lastRow = image.height
            if height != image.height {
                firstRow = vertical.bounds[0].min
                lastRow = vertical.bounds[height - 1].min + vertical.bounds[height - 1].count
            }
            current = horizontalPass(image, width: width, firstRow: firstRow, rows: lastRow - firstRow)
            rowShift = firstRow
        }
        if height != image.height { current = verticalPass(current, vertical, rowShift: rowShift) }
        return current
    }

    static func clip8(_ v: Int) -> UInt8 { UInt8(min(max(v >> 22, 0), 255)) }

    /// Rows firstRow ..< firstRow + rows of `image`, each resampled to `width` pixels.
    static func horizontalPass(_ image: RGBImage, width: Int, firstRow: Int, rows: Int) -> RGBImage {
        if width == image.width { return image }
        let horizontal = coefficients(inSize: image.width, outSize: width)
        var out = RGBImage(width: width, height: rows)
        for y in 0..<rows {
            for x in 0..<width {
                for c in 0..<3 {
                    var sum = 1 << 21
                    for (t, w) in horizontal.weights[x].enumerated() {
                        sum += Int(image.pixels[((y + firstRow) * image.width + horizontal.bounds[x].min + t) * 3 + c]) * w
                    }
                    out.pixels[(y * width + x) * 3 + c] = clip8(sum)
                }
            }
        }
        return out
    }

    /// Output row y sums rows vertical.bounds[y].min - rowShift ... of `image`, whose first
    /// row is row `rowShift` of the original image.
    static func verticalPass(
        _ image: RGBImage, _ vertical: (bounds: [(min: Int, count: Int)], weights: [[Int]]), rowShift: Int
    ) -> RGBImage {
        let height = vertical.bounds.count
        var out = RGBImage(width: image.width, height: height)
        for y in 0..<height {
            for x in 0..<image.width {
                for c in 0..<3 {
                    var sum = 1 << 21
                    for (t, w) in vertical.weights[y].enumerated() {
                        sum += Int(image.pixels[((vertical.bounds[y].min - rowShift + t) * image.width + x) * 3 + c]) * w
                    }
                    out.pixels[(y * image.width + x) * 3 + c] = clip8(sum)
                }
            }
        }
        return out
    }
}
