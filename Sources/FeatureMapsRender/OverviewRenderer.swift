import FeatureMapsEngine
import FeatureMapsImages

/// Draws the one-picture summary of a run on one image: the input as the network saw it, the
/// top predictions beside it, then one row of tiles per requested layer.
public enum OverviewRenderer {
    /// Channels per layer row unless the row's selection says otherwise.
    public static let channelsPerRow = 6
    /// Predictions drawn at most (the caller passes them best first).
    public static let maxPredictions = 3

    /// Renders the overview. `input` is drawn at its own size (typically 224x224); at most
    /// `maxPredictions` of `predictions` are listed with their probability in percent; each row
    /// shows its selected channels, each scaled to its own min..max and upscaled like grid tiles.
    /// Throws `RenderError` for a row's bad selection or an oversized picture.
    public static func render(
        input: RGBImage, predictions: [OverviewPrediction], rows: [OverviewRow],
        title: String? = nil, minTileWidth: Int = 112
    ) throws -> RGBImage {
        guard minTileWidth >= 1 else { throw RenderError.tileWidthNotPositive(minTileWidth) }
        let heading = TextBlock(lines: [TextLine(text: title ?? "feature maps overview", scale: 2)])
        let top = InputSection(input: input, predictions: Array(predictions.prefix(maxPredictions)))
        let layerRows = try rows.map { try LayerRow($0, minTileWidth: minTileWidth) }
        let legend = TextBlock(lines: [
            TextLine(
                text: "each row: one layer; each tile scaled to its own min..max; channel numbers are 0-based",
                color: Style.secondaryText)
        ])
        let labelWidth = layerRows.map(\.label.width).max() ?? 0
        let rowsWidth = layerRows.map { labelWidth + Style.sectionGap + $0.tilesWidth }.max() ?? 0

        var contentHeight = heading.height + Style.sectionGap + top.height
        if !layerRows.isEmpty {
            contentHeight +=
                2 * Style.sectionGap + legend.height
                + layerRows.map(\.height).reduce(0, +) + layerRows.count * Style.tileGapY
        }
        let width = 2 * Style.margin + max(heading.width, top.width, rowsWidth, layerRows.isEmpty ? 0 : legend.width)
        let height = 2 * Style.margin + contentHeight
        try GridRenderer.checkSize(width: width, height: height)

        var canvas = Canvas(width: width, height: height, background: Style.background)
        var y = Style.margin
        heading.draw(on: &canvas, x: Style.margin, y: y)
        y += heading.height + Style.sectionGap
        top.draw(on: &canvas, x: Style.margin, y: y)
        y += top.height + 2 * Style.sectionGap
        if !layerRows.isEmpty {
            legend.draw(on: &canvas, x: Style.margin, y: y)
            y += legend.height + Style.tileGapY
        }
        for row in layerRows {
            row.draw(on: &canvas, x: Style.margin, y: y, labelWidth: labelWidth)
            y += row.height + Style.tileGapY
        }
        return canvas.image
    }
}
