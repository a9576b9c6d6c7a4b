import FeatureMapsEngine
import FeatureMapsImages

/// One channel of a layer as a bare picture (no titles, no margins): the H x W plane in viridis,
/// each value an f x f square, f the smallest integer factor that makes it at least `minWidth`
/// pixels wide (TilePainter.scaleFactor). What a page shows large, pixel for pixel.
public enum ChannelPicture {
    /// Channel `channel` of `map` (H x W x C) scaled to `range`, or to the channel's own min..max
    /// when `range` is nil. Throws `RenderError.channelOutOfRange` (naming `layer`) for a channel
    /// the map lacks and `imageTooLarge` above Style.maxPixels.
    public static func render(_ map: Tensor, channel: Int, layer: String, range: ValueRange? = nil, minWidth: Int = 1) throws -> RGBImage {
        guard channel >= 0 && channel < map.channels else {
            throw RenderError.channelOutOfRange(channel: channel, layer: layer, channelCount: map.channels)
        }
        guard minWidth >= 1 else { throw RenderError.tileWidthNotPositive(minWidth) }
        let factor = TilePainter.scaleFactor(mapWidth: map.width, minTileWidth: minWidth)
        try GridRenderer.checkSize(width: map.width * factor, height: map.height * factor)
        var canvas = Canvas(width: map.width * factor, height: map.height * factor, background: Style.background)
        let scale = range ?? ValueRange(ChannelStatistics.of(map)[channel])
        TilePainter.paint(map, channel: channel, range: scale, factor: factor, into: &canvas, x: 0, y: 0)
        return canvas.image
    }
}
