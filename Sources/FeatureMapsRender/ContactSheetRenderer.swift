import FeatureMapsImages

/// One crop of a contact sheet: the patch of an original image, its file name and its score.
public struct ContactTile: Sendable {
    public let crop: RGBImage
    public let name: String
    public let value: Float
    public init(crop: RGBImage, name: String, value: Float) {
        self.crop = crop
        self.name = name
        self.value = value
    }
}

/// One row of a contact sheet: a channel and its crops, best first.
public struct ContactRow: Sendable {
    public let channel: Int
    public let tiles: [ContactTile]
    public init(channel: Int, tiles: [ContactTile]) {
        self.channel = channel
        self.tiles = tiles
    }
}

/// `top-images`'s contact sheet in render's style: a header (title at scale 2, one line below),
/// then one row per channel: "ch N" at the left, then its crops, each resized (antialiased
/// bilinear, aspect kept, centred) into a `tileSize` square and titled with the image name (cut to
/// fit) and the value.
public enum ContactSheetRenderer {
    public static let tileSize = 112

    public static func render(title: String, subtitle: String, rows: [ContactRow], columns: Int) -> RGBImage {
        let label = Font.width(of: "ch 00000") + Style.tileGapX
        let header = TextBlock(lines: [TextLine(text: title, scale: 2), TextLine(text: subtitle, color: Style.secondaryText)])
        let titles = Style.textBlockHeight(lines: 2) + Style.titleGap
        let rowHeight = titles + tileSize + Style.tileGapY
        let width = max(header.width, label + columns * tileSize + (columns - 1) * Style.tileGapX) + 2 * Style.margin
        let height = 2 * Style.margin + header.height + Style.sectionGap + rows.count * rowHeight
        var canvas = Canvas(width: width, height: height, background: Style.background)
        header.draw(on: &canvas, x: Style.margin, y: Style.margin)
        for (r, row) in rows.enumerated() {
            let y = Style.margin + header.height + Style.sectionGap + r * rowHeight
            canvas.drawText("ch \(row.channel)", x: Style.margin, y: y + titles + tileSize / 2 - Font.height() / 2, color: Style.text)
            for (i, tile) in row.tiles.enumerated() {
                let x = Style.margin + label + i * (tileSize + Style.tileGapX)
                TitleLine(.init(left: tile.name)).draw(on: &canvas, x: x, y: y, width: tileSize)
                TitleLine(.init(left: ValueFormat.format(tile.value))).draw(
                    on: &canvas, x: x, y: y + Font.height() + Style.lineGap, width: tileSize)
                canvas.fill(x: x, y: y + titles, width: tileSize, height: tileSize, color: RGB(grey: 200))
                let c = tile.crop
                let f = Double(tileSize) / Double(max(c.width, c.height))
                let w = max(1, min(tileSize, Int((Double(c.width) * f).rounded()))), h = max(1, min(tileSize, Int((Double(c.height) * f).rounded())))
                let scaled = ImageResizer.resizeBilinear(c, width: w, height: h)
                canvas.draw(scaled, x: x + (tileSize - w) / 2, y: y + titles + (tileSize - h) / 2)
            }
        }
        return canvas.image
    }
}
