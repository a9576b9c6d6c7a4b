import FeatureMapsImages

/// An 8-bit RGB colour.
struct RGB: Equatable, Sendable {
    var r: UInt8
    var g: UInt8
    var b: UInt8

    init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    init(grey: UInt8) { self.init(grey, grey, grey) }
}

/// A drawing surface with the layout of `RGBImage` (rows top to bottom, RGB interleaved).
/// Every drawing call clips to the surface, so callers may draw partly outside it.
struct Canvas {
    let width: Int
    let height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, background: RGB) {
        precondition(width > 0 && height > 0, "canvas dimensions must be positive")
        self.width = width
        self.height = height
        self.pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, color: background)
    }

    /// A canvas holding a copy of `image`'s pixels.
    init(image: RGBImage) {
        width = image.width
        height = image.height
        pixels = image.pixels
    }

    var image: RGBImage { RGBImage(width: width, height: height, pixels: pixels) }

    /// Fills the rectangle with top-left (x, y), clipped to the canvas.
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: RGB) {
        let x0 = max(x, 0), x1 = min(x + w, width)
        let y0 = max(y, 0), y1 = min(y + h, height)
        guard x0 < x1, y0 < y1 else { return }
        let rowStride = width * 3
        pixels.withUnsafeMutableBufferPointer { px in
            for row in y0..<y1 {
                var i = row * rowStride + x0 * 3
                for _ in x0..<x1 {
                    px[i] = color.r
                    px[i + 1] = color.g
                    px[i + 2] = color.b
                    i += 3
                }
            }
        }
    }

    /// The colour at (x, y), which must lie on the canvas.
    func pixel(x: Int, y: Int) -> RGB {
        let i = (y * width + x) * 3
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Copies `image` with its top-left corner at (x, y), clipped to the canvas.
    mutating func draw(_ image: RGBImage, x: Int, y: Int) {
        let x0 = max(x, 0), x1 = min(x + image.width, width)
        let y0 = max(y, 0), y1 = min(y + image.height, height)
        guard x0 < x1, y0 < y1 else { return }
        let rowBytes = (x1 - x0) * 3
        for row in y0..<y1 {
            let src = ((row - y) * image.width + (x0 - x)) * 3
            let dst = (row * width + x0) * 3
            pixels.replaceSubrange(dst..<(dst + rowBytes), with: image.pixels[src..<(src + rowBytes)])
        }
    }

    /// Draws `text` in the bitmap font with its top-left corner at (x, y); see `Font` for metrics.
    mutating func drawText(_ text: String, x: Int, y: Int, scale: Int = 1, color: RGB) {
        var penX = x
        for character in text {
            drawGlyph(character, x: penX, y: y, scale: scale, color: color)
            penX += Font.advance * scale
        }
    }

    /// Draws `text` right-aligned so that its last ink column ends at `right - 1`.
    mutating func drawTextRightAligned(_ text: String, right: Int, y: Int, scale: Int = 1, color: RGB) {
        drawText(text, x: right - Font.width(of: text, scale: scale), y: y, scale: scale, color: color)
    }

    private mutating func drawGlyph(_ character: Character, x: Int, y: Int, scale: Int, color: RGB) {
        for (row, bits) in Font.rows(of: character).enumerated() where bits != 0 {
            for column in 0..<Font.glyphWidth where bits & (1 << (Font.glyphWidth - 1 - column)) != 0 {
                fill(x: x + column * scale, y: y + row * scale, width: scale, height: scale, color: color)
            }
        }
    }
}
