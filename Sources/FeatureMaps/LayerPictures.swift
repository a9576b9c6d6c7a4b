import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsRender

/// One layer's value for one image (what NetworkPass.run returns for a LayerChoice) as the
/// pictures and numbers that `render` and the web explorer show: the grid, one channel as a bare
/// viridis picture, one channel's values. No files: callers write or send the results.
public enum LayerPictures {
    /// The grid `featuremaps render` draws for `layer` (GridRenderer: titled viridis tiles).
    public static func grid(
        _ value: NDArray, layer: LayerChoice, selection: ChannelSelection, columns: Int, normalization: Normalization
    ) throws -> RenderedGrid {
        let spec = GridSpec(
            layerName: layer.requested, resolvedName: layer.isAlias ? layer.layer.name : nil,
            selection: selection, normalization: normalization, columns: columns)
        return try GridRenderer.render(try map(value, layer), spec: spec)
    }

    /// Channel `channel` as a bare viridis picture at least `minWidth` pixels wide (ChannelPicture),
    /// scaled to its own min..max (`.channel`) or to the min..max of all the layer's channels
    /// (`.layer`). Throws RenderError.channelOutOfRange for a channel the layer lacks.
    public static func channel(
        _ value: NDArray, layer: LayerChoice, channel: Int, normalization: Normalization, minWidth: Int = 1
    ) throws -> RGBImage {
        let m = try map(value, layer)
        let range = normalization == .layer ? ValueRange(spanning: ChannelStatistics.of(m)) : nil
        return try ChannelPicture.render(m, channel: channel, layer: layer.requested, range: range, minWidth: minWidth)
    }

    /// The H x W values of channel `channel`, row by row (top row first), and their statistics.
    public static func values(_ value: NDArray, layer: LayerChoice, channel: Int) throws -> ChannelValues {
        let m = try map(value, layer)
        guard channel >= 0 && channel < m.channels else {
            throw RenderError.channelOutOfRange(channel: channel, layer: layer.requested, channelCount: m.channels)
        }
        let plane = stride(from: channel, to: m.data.count, by: m.channels).map { m.data[$0] }
        return ChannelValues(width: m.width, height: m.height, values: plane, statistics: ChannelStatistics.of(m)[channel])
    }

    /// Every channel's min, max and mean (index c for channel c).
    public static func statistics(_ value: NDArray, layer: LayerChoice) throws -> [ChannelStatistics] {
        ChannelStatistics.of(try map(value, layer))
    }

    /// A layer's value as the renderers take it: (H, W, C) as it is, a (C,) vector as 1x1xC.
    /// Throws ModelFileError.notAMap for any other shape.
    public static func map(_ value: NDArray, _ layer: LayerChoice) throws -> Tensor {
        let d = value.shape.dims
        switch d.count {
        case 3 where d.allSatisfy({ $0 > 0 }): return Tensor(height: d[0], width: d[1], channels: d[2], data: value.data)
        case 1 where d[0] > 0: return Tensor(height: 1, width: 1, channels: d[0], data: value.data)
        default: throw ModelFileError.notAMap(layer: layer.requested, shape: ModelLayer.describe(d))
        }
    }
}

/// One channel of a layer: `values` holds height x width numbers, row by row.
public struct ChannelValues: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let values: [Float]
    public let statistics: ChannelStatistics
}
