import FeatureMapsImages

/// A picture with caption lines under it, one of a row of panels.
struct Panel {
    var image: RGBImage
    var caption: [String]

    var captionBlock: TextBlock { TextBlock(lines: caption.map { TextLine(text: $0, color: Style.secondaryText) }) }
    var height: Int { image.height + (caption.isEmpty ? 0 : Style.titleGap + captionBlock.height) }
    var width: Int { max(image.width, captionBlock.width) }

    func draw(on canvas: inout Canvas, x: Int, y: Int) {
        canvas.draw(image, x: x, y: y)
        captionBlock.draw(on: &canvas, x: x, y: y + image.height + Style.titleGap)
    }
}

/// Heat maps of one plane of values (row-major H x W).
enum HeatPanels {
    static let panelGap = 24

    /// The plane coloured by `colormap` over `range`, drawn at `outHeight` x `outWidth` by nearest
    /// neighbour: output pixel (y, x) shows value (y * H / outHeight, x * W / outWidth), rounded down.
    static func heat(
        _ values: [Float], height: Int, width: Int, range: ValueRange, colormap: Colormap,
        outHeight: Int, outWidth: Int
    ) -> RGBImage {
        precondition(values.count == height * width, "plane must hold height*width values")
        var pixels = [UInt8](repeating: 0, count: outHeight * outWidth * 3)
        for y in 0..<outHeight {
            let sy = y * height / outHeight
            for x in 0..<outWidth {
                let c = colormap.color(unit: range.unit(values[sy * width + x * width / outWidth]))
                let i = (y * outWidth + x) * 3
                (pixels[i], pixels[i + 1], pixels[i + 2]) = (c.r, c.g, c.b)
            }
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: pixels)
    }

    /// `image` with the plane (same size) blended over it: every colour channel becomes
    /// round((1 - opacity) * image + opacity * colormap(value)).
    static func overlay(
        _ image: RGBImage, values: [Float], range: ValueRange, colormap: Colormap,
        opacity: Double
    ) -> RGBImage {
        precondition(values.count == image.width * image.height, "overlay plane must match the image size")
        var pixels = image.pixels
        for p in 0..<values.count {
            let c = colormap.color(unit: range.unit(values[p]))
            for (k, v) in [c.r, c.g, c.b].enumerated() {
                let blended = (1 - opacity) * Double(pixels[p * 3 + k]) + opacity * Double(v)
                pixels[p * 3 + k] = UInt8(min(max(blended.rounded(), 0), 255))
            }
        }
        return RGBImage(width: image.width, height: image.height, pixels: pixels)
    }

    /// Panels side by side, `panelGap` apart, tops aligned; width and height of the row.
    static func size(of panels: [Panel]) -> (width: Int, height: Int) {
        (panels.map(\.width).reduce(0, +) + max(0, panels.count - 1) * panelGap, panels.map(\.height).max() ?? 0)
    }

    /// Draws the row with its top-left corner at (x, y); returns where each panel's image went.
    @discardableResult
    static func draw(_ panels: [Panel], on canvas: inout Canvas, x: Int, y: Int) -> [TileRect] {
        var left = x
        var rects: [TileRect] = []
        for panel in panels {
            panel.draw(on: &canvas, x: left, y: y)
            rects.append(TileRect(x: left, y: y, width: panel.image.width, height: panel.image.height, factor: 1))
            left += panel.width + panelGap
        }
        return rects
    }
}
