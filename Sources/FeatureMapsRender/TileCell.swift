import FeatureMapsEngine

/// One tile with its title block: what the grid and the overview draw per channel.
struct TileCell {
    let channel: Int
    let statistics: ChannelStatistics
    /// The range the tile's colours span (its own, or the layer's).
    let range: ValueRange
    /// Put the channel's mean on the first title line (strongest selection).
    let showMean: Bool

    /// Grid titles: "ch 5" (+ "mean 2.34" at the right), then the channel's "min to max",
    /// e.g. "-2.89 to 6" (or "-2.89..6" when tight).
    var gridTitle: [TitleLine] {
        let (low, high) = ValueFormat.formatPair(statistics.min, statistics.max)
        return [firstTitleLine, TitleLine(.init(left: "\(low) to \(high)"), .init(left: "\(low)..\(high)"))]
    }

    /// "ch 5", with the mean at the right edge when `showMean` (without the word "mean" if tight).
    var firstTitleLine: TitleLine {
        let name = "ch \(channel)"
        guard showMean else { return TitleLine(.init(left: name)) }
        let mean = ValueFormat.format(Float(statistics.mean))
        return TitleLine(
            .init(left: name, right: "mean \(mean)"), .init(left: name, right: mean),
            .init(left: name))
    }

    /// Draws `titles` at (x, y) and the tile `titleGap` below them, upscaled by `factor`,
    /// then the "constant" mark over a constant tile.
    func draw(_ map: Tensor, titles: [TitleLine], factor: Int, on canvas: inout Canvas, x: Int, y: Int) {
        let tileWidth = map.width * factor, tileHeight = map.height * factor
        for (i, title) in titles.enumerated() {
            title.draw(on: &canvas, x: x, y: y + i * (Font.height() + Style.lineGap), width: tileWidth)
        }
        let tileY = y + Style.textBlockHeight(lines: titles.count) + Style.titleGap
        TilePainter.paint(map, channel: channel, range: range, factor: factor, into: &canvas, x: x, y: tileY)
        if statistics.isConstant {
            drawConstantMark(
                on: &canvas, x: x, y: tileY, width: tileWidth, height: tileHeight,
                single: map.height * map.width == 1)
        }
    }

    /// "constant" ("value" for a 1x1 map, which cannot vary) and "= value" centred on the tile,
    /// in a colour that contrasts with the tile's; lines that do not fit the tile are left out.
    private func drawConstantMark(on canvas: inout Canvas, x: Int, y: Int, width: Int, height: Int, single: Bool) {
        let index = range.colorIndex(statistics.min)
        let color = index < 160 ? Style.markOnDark : Style.markOnLight
        let lines = [single ? "value" : "constant", "= \(ValueFormat.format(statistics.min))"]
        let count = (0...lines.count).last { Style.textBlockHeight(lines: $0) <= height - 4 } ?? 0
        var lineY = y + (height - Style.textBlockHeight(lines: count)) / 2
        for line in lines.prefix(count) {
            let text = Font.fit(line, maxWidth: width - 4)
            canvas.drawText(text, x: x + (width - Font.width(of: text)) / 2, y: lineY, color: color)
            lineY += Font.height() + Style.lineGap
        }
    }
}
