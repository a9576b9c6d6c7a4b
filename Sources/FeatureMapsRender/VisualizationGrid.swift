import FeatureMapsImages

/// One tile of a feature-visualization grid: a channel's optimized picture and its numbers.
public struct VisualizationTile: Sendable {
    public let channel: Int
    /// The channel's mean activation for the written (8-bit) picture.
    public let activation: Float
    public let steps: Int
    public let image: RGBImage

    public init(channel: Int, activation: Float, steps: Int, image: RGBImage) {
        self.channel = channel
        self.activation = activation
        self.steps = steps
        self.image = image
    }
}

/// `featuremaps visualize`'s grid, in the style of `featuremaps render`: a header (layer, method,
/// what the titles mean), then one cell per channel, its title "ch N" with the activation at the
/// right, then "<steps> steps", over the picture, enlarged by a whole factor (nearest neighbour)
/// to at least `minTileWidth` pixels. All tiles share the first one's size.
/// Throws `RenderError` for no tiles, no columns, or an oversized picture.
public enum VisualizationGrid {
    public static func render(_ tiles: [VisualizationTile], layer: String, method: [String], columns: Int, minTileWidth: Int = 112) throws
        -> RGBImage
    {
        guard let first = tiles.first else { throw RenderError.channelCountNotPositive(0) }
        guard columns >= 1 else { throw RenderError.columnsNotPositive(columns) }
        let lines =
            method + [
                "tile titles: channel (0-based) and the mean activation of its picture; the optimization steps"
            ]
        let block = TextBlock(
            lines: [TextLine(text: "\(layer): feature visualization", scale: 2)]
                + lines.map { TextLine(text: Font.fit($0, maxWidth: GridHeader.maxLineWidth + 40 * Font.advance)) })
        let layout = GridLayout(
            mapHeight: first.image.height, mapWidth: first.image.width, tileCount: tiles.count, columns: columns,
            minTileWidth: minTileWidth, headerWidth: block.width, headerHeight: block.height, titleLines: 2)
        try GridRenderer.checkSize(width: layout.width, height: layout.height)
        var canvas = Canvas(width: layout.width, height: layout.height, background: Style.background)
        block.draw(on: &canvas, x: Style.margin, y: Style.margin)
        for (i, tile) in tiles.enumerated() {
            let cell = layout.cellOrigin(i)
            let name = "ch \(tile.channel)", value = ValueFormat.format(tile.activation)
            TitleLine(.init(left: name, right: value), .init(left: name)).draw(on: &canvas, x: cell.x, y: cell.y, width: layout.tileWidth)
            TitleLine(.init(left: "\(tile.steps) steps"), .init(left: "\(tile.steps)")).draw(
                on: &canvas, x: cell.x, y: cell.y + Font.height() + Style.lineGap, width: layout.tileWidth)
            let origin = layout.tileOrigin(i)
            canvas.draw(enlarged(tile.image, by: layout.factor), x: origin.x, y: origin.y)
        }
        return canvas.image
    }

    /// Each pixel repeated factor x factor times.
    static func enlarged(_ image: RGBImage, by factor: Int) -> RGBImage {
        guard factor > 1 else { return image }
        let w = image.width * factor
        var out = RGBImage(width: w, height: image.height * factor)
        for y in 0..<out.height {
            for x in 0..<w {
                let s = ((y / factor) * image.width + x / factor) * 3, d = (y * w + x) * 3
                out.pixels[d] = image.pixels[s]
                out.pixels[d + 1] = image.pixels[s + 1]
                out.pixels[d + 2] = image.pixels[s + 2]
            }
        }
        return out
    }
}
