import FeatureMapsEngine
import FeatureMapsImages

/// The overview's top: the input image with a caption under it, the predictions to its right,
/// each as "1. label" over a bar whose length is the probability, followed by the percentage.
struct InputSection {
    let input: RGBImage
    let caption: TextBlock
    let predictions: [OverviewPrediction]

    static let columnGap = 24
    static let barMaxWidth = 160
    static let barColor = RGB(grey: 70)
    /// Heading of the predictions column, with the gap below it.
    static let predictionsHeadingHeight = Font.height(scale: 2) + 2 * Style.lineGap
    /// One prediction: label line, gap, bar line, and a wider gap before the next.
    static let predictionHeight = 2 * Font.height() + 4 * Style.lineGap

    init(input: RGBImage, predictions: [OverviewPrediction]) {
        self.input = input
        self.predictions = predictions
        caption = TextBlock(lines: [
            TextLine(
                text: "input as the network saw it: \(input.width)x\(input.height)",
                color: Style.secondaryText)
        ])
    }

    private var imageColumnWidth: Int { max(input.width, caption.width) }
    private var imageColumnHeight: Int { input.height + Style.titleGap + caption.height }

    private var heading: String { "top-\(predictions.count) predictions" }

    private func labelLine(_ i: Int) -> String { "\(i + 1). \(predictions[i].label)" }

    /// Heading, then per prediction a label line and a bar line (no gap after the last).
    private var predictionsHeight: Int {
        predictions.isEmpty
            ? 0
            : Self.predictionsHeadingHeight + predictions.count * Self.predictionHeight - 2 * Style.lineGap
    }

    private var predictionsWidth: Int {
        guard !predictions.isEmpty else { return 0 }
        let labels = predictions.indices.map { Font.width(of: labelLine($0)) }
        let bar = Self.barMaxWidth + Style.colorBarLabelGap + Font.width(of: "100.0%")
        return max(Font.width(of: heading, scale: 2), bar, labels.max() ?? 0)
    }

    var width: Int { imageColumnWidth + (predictions.isEmpty ? 0 : Self.columnGap + predictionsWidth) }
    var height: Int { max(imageColumnHeight, predictionsHeight) }

    func draw(on canvas: inout Canvas, x: Int, y: Int) {
        canvas.draw(input, x: x, y: y)
        caption.draw(on: &canvas, x: x, y: y + input.height + Style.titleGap)
        guard !predictions.isEmpty else { return }
        let left = x + imageColumnWidth + Self.columnGap
        canvas.drawText(heading, x: left, y: y, scale: 2, color: Style.text)
        for (i, prediction) in predictions.enumerated() {
            let lineY = y + Self.predictionsHeadingHeight + i * Self.predictionHeight
            canvas.drawText(labelLine(i), x: left, y: lineY, color: Style.text)
            let barY = lineY + Font.height() + Style.lineGap
            let p = prediction.probability.isFinite ? min(max(prediction.probability, 0), 1) : 0
            let barWidth = max(1, Int((Float(Self.barMaxWidth) * p).rounded()))
            canvas.fill(x: left, y: barY, width: barWidth, height: Font.height() - 2, color: Self.barColor)
            canvas.drawText(
                ValueFormat.percent(prediction.probability), x: left + barWidth + Style.colorBarLabelGap,
                y: barY, color: Style.text)
        }
    }
}

/// One layer in the overview: a label column (name, alias target, shape, selection), then the
/// selected channels as tiles titled "ch N" (plus the mean for a strongest selection).
struct LayerRow {
    let label: TextBlock
    let map: Tensor
    let cells: [TileCell]
    let factor: Int

    /// Label lines are cut to this width (24 characters), e.g. a long explicit channel list.
    static let maxLabelWidth = 24 * Font.advance - 1

    init(_ row: OverviewRow, minTileWidth: Int) throws {
        let statistics = ChannelStatistics.of(row.map)
        let selected = try row.selection.resolve(statistics: statistics, layer: row.layerName)
        let strongest = GridRenderer.isStrongest(row.selection)
        let effective = GridHeader.effectiveSelection(row.selection, shown: selected.channels.count)
        var lines = [TextLine(text: row.layerName)]
        if let resolved = row.resolvedName, resolved != row.layerName {
            lines.append(TextLine(text: "= \(resolved)", color: Style.secondaryText))
        }
        lines.append(TextLine(text: row.map.shape.description, color: Style.secondaryText))
        lines.append(
            TextLine(
                text: Font.fit(effective.summary, maxWidth: Self.maxLabelWidth),
                color: Style.secondaryText))
        label = TextBlock(lines: lines)
        map = row.map
        cells = selected.channels.map { channel in
            TileCell(
                channel: channel, statistics: statistics[channel], range: ValueRange(statistics[channel]),
                showMean: strongest)
        }
        factor = TilePainter.scaleFactor(mapWidth: row.map.width, minTileWidth: minTileWidth)
    }

    var tileWidth: Int { map.width * factor }
    var tilesWidth: Int { cells.count * tileWidth + (cells.count - 1) * Style.tileGapX }
    var height: Int { max(label.height, Style.textBlockHeight(lines: 1) + Style.titleGap + map.height * factor) }

    func draw(on canvas: inout Canvas, x: Int, y: Int, labelWidth: Int) {
        label.draw(on: &canvas, x: x, y: y)
        for (i, cell) in cells.enumerated() {
            let cellX = x + labelWidth + Style.sectionGap + i * (tileWidth + Style.tileGapX)
            cell.draw(map, titles: [cell.firstTitleLine], factor: factor, on: &canvas, x: cellX, y: y)
        }
    }
}
