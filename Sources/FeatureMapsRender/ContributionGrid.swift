import FeatureMapsEngine
import FeatureMapsImages

extension ExplainRenderer {
    /// The `count` channels of the Grad-CAM layer with the largest contribution to the logit
    /// (`GradCAM.contributions`: gradient x activation summed over the map), largest first, as a grid
    /// in the style of `featuremaps render`: each tile is the channel's activation in viridis, scaled
    /// to its own min..max, titled with its channel number and contribution, then its min to max.
    /// Throws `RenderError` for fewer than one channel or column, or an oversized picture.
    public static func topChannels(
        _ cam: GradCAM, count: Int, columns: Int, explained: ExplainedClass, classes: Int,
        title: String, minTileWidth: Int = 112
    ) throws -> RenderedGrid {
        guard count >= 1 else { throw RenderError.channelCountNotPositive(count) }
        guard columns >= 1 else { throw RenderError.columnsNotPositive(columns) }
        let map = cam.activation
        let channels = cam.topChannels(count)
        let statistics = ChannelStatistics.of(map)
        let total = cam.contributions.reduce(0, +)
        var lines = [
            explained.line(classes: classes),
            "\(map.height)x\(map.width) map: showing \(channels.count) of \(map.channels) channels, largest contribution first",
            "contribution = sum over the map of gradient x activation (all \(map.channels) add up to \(ValueFormat.format(total)))",
            "tile titles: channel number (0-based), its contribution; its min to max",
            "colours: " + Normalization.channel.summary,
        ]
        if channels.count < count { lines.append("the layer has \(map.channels) channels, fewer than the \(count) asked for") }
        let block = TextBlock(
            lines: [TextLine(text: "\(title): \(cam.layer), top channels for \(explained.label)", scale: 2)]
                + lines.map { TextLine(text: Font.fit($0, maxWidth: GridHeader.maxLineWidth + 40 * Font.advance)) })
        let bar = ColorBar(lowLabel: "tile min", highLabel: "tile max")
        let layout = GridLayout(
            mapHeight: map.height, mapWidth: map.width, tileCount: channels.count, columns: columns,
            minTileWidth: minTileWidth, headerWidth: max(block.width, bar.width),
            headerHeight: block.height + Style.sectionGap + bar.height, titleLines: 2)
        try GridRenderer.checkSize(width: layout.width, height: layout.height)
        var canvas = Canvas(width: layout.width, height: layout.height, background: Style.background)
        block.draw(on: &canvas, x: Style.margin, y: Style.margin)
        bar.draw(on: &canvas, x: Style.margin, y: Style.margin + block.height + Style.sectionGap)
        for (i, channel) in channels.enumerated() {
            let cell = TileCell(
                channel: channel, statistics: statistics[channel], range: ValueRange(statistics[channel]),
                showMean: false)
            let contribution = ValueFormat.format(cam.contributions[channel])
            let first = TitleLine(.init(left: "ch \(channel)", right: contribution), .init(left: "ch \(channel)"))
            let origin = layout.cellOrigin(i)
            cell.draw(map, titles: [first, cell.gridTitle[1]], factor: layout.factor, on: &canvas, x: origin.x, y: origin.y)
        }
        let tiles = channels.indices.map { i in
            TileRect(
                x: layout.tileOrigin(i).x, y: layout.tileOrigin(i).y, width: layout.tileWidth,
                height: layout.tileHeight, factor: layout.factor)
        }
        return RenderedGrid(image: canvas.image, channels: channels, notes: [], tiles: tiles)
    }
}
