import FeatureMapsEngine
import FeatureMapsImages

/// Draws one layer's activations as a titled grid of viridis tiles (the `render` command's picture).
public enum GridRenderer {
    /// Renders the channels of `map` (HxWxC, one layer's output for one image) chosen by `spec`.
    ///
    /// Tiles are the HxW planes upscaled by one integer factor (nearest neighbour) to at least
    /// `spec.minTileWidth` pixels wide, in rows of `spec.columns`, each titled with its channel
    /// number and statistics. Same input, same pixels. Throws `RenderError` for a bad spec or
    /// selection, or when the picture would exceed 100 megapixels.
    public static func render(_ map: Tensor, spec: GridSpec) throws -> RenderedGrid {
        guard spec.columns >= 1 else { throw RenderError.columnsNotPositive(spec.columns) }
        guard spec.minTileWidth >= 1 else { throw RenderError.tileWidthNotPositive(spec.minTileWidth) }
        let statistics = ChannelStatistics.of(map)
        let selected = try spec.selection.resolve(statistics: statistics, layer: spec.layerName)
        let shownStatistics = selected.channels.map { statistics[$0] }
        let layerRange = spec.normalization == .layer ? ValueRange(spanning: shownStatistics) : nil

        let header = GridHeader(spec: spec, map: map, selected: selected, layerRange: layerRange)
        let layout = GridLayout(
            mapHeight: map.height, mapWidth: map.width, tileCount: selected.channels.count,
            columns: spec.columns, minTileWidth: spec.minTileWidth,
            headerWidth: header.width, headerHeight: header.height, titleLines: 2)
        try checkSize(width: layout.width, height: layout.height)

        var canvas = Canvas(width: layout.width, height: layout.height, background: Style.background)
        header.draw(on: &canvas, x: Style.margin, y: Style.margin)
        for (i, channel) in selected.channels.enumerated() {
            let cell = TileCell(
                channel: channel, statistics: statistics[channel],
                range: layerRange ?? ValueRange(statistics[channel]),
                showMean: isStrongest(spec.selection))
            let origin = layout.cellOrigin(i)
            cell.draw(map, titles: cell.gridTitle, factor: layout.factor, on: &canvas, x: origin.x, y: origin.y)
        }
        let notes = notes(spec: spec, map: map, selected: selected, shown: shownStatistics, layerRange: layerRange)
        let tiles = selected.channels.indices.map { i in
            TileRect(
                x: layout.tileOrigin(i).x, y: layout.tileOrigin(i).y, width: layout.tileWidth,
                height: layout.tileHeight, factor: layout.factor)
        }
        return RenderedGrid(image: canvas.image, channels: selected.channels, notes: notes, tiles: tiles)
    }

    /// Throws `imageTooLarge` for pictures above `Style.maxPixels`.
    static func checkSize(width: Int, height: Int) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > Style.maxPixels {
            throw RenderError.imageTooLarge(width: width, height: height, limit: Style.maxPixels)
        }
    }

    static func isStrongest(_ selection: ChannelSelection) -> Bool {
        if case .strongest = selection { return true }
        return false
    }

    /// Clamping, constant channels (not for a 1x1 map, where every channel is one number), and
    /// an empty layer range, in that order.
    private static func notes(
        spec: GridSpec, map: Tensor, selected: SelectedChannels,
        shown: [ChannelStatistics], layerRange: ValueRange?
    ) -> [RenderNote] {
        var notes: [RenderNote] = []
        if selected.wasClamped {
            notes.append(.clamped(layer: spec.layerName, requested: selected.requested, available: map.channels))
        }
        let constant = zip(selected.channels, shown).filter { $0.1.isConstant }.map(\.0)
        if !constant.isEmpty, map.height * map.width > 1 {
            notes.append(.constantChannels(layer: spec.layerName, channels: constant))
        }
        if let range = layerRange, range.isDegenerate {
            notes.append(.degenerateLayerRange(layer: spec.layerName, value: range.low))
        }
        return notes
    }
}
