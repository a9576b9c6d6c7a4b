import FeatureMapsImages

/// What to draw for one layer's feature-map grid. Plain values; defaults are the command's.
public struct GridSpec: Equatable, Sendable {
    /// The layer name as the user gave it (shown in the header).
    public var layerName: String
    /// When `layerName` is an alias, the model layer it resolves to; the header then reads
    /// "block_1_conv1 = block_1_expand_relu".
    public var resolvedName: String?
    public var selection: ChannelSelection
    public var normalization: Normalization
    /// Tiles per row (the grid uses fewer when fewer channels are shown).
    public var columns: Int
    /// Each tile is upscaled by the smallest integer factor that makes it at least this wide.
    public var minTileWidth: Int

    public init(
        layerName: String, resolvedName: String? = nil,
        selection: ChannelSelection = .standard, normalization: Normalization = .channel,
        columns: Int = 4, minTileWidth: Int = 112
    ) {
        self.layerName = layerName
        self.resolvedName = resolvedName
        self.selection = selection
        self.normalization = normalization
        self.columns = columns
        self.minTileWidth = minTileWidth
    }

    /// "layer" or "alias = layer".
    var displayName: String {
        guard let resolved = resolvedName, resolved != layerName else { return layerName }
        return "\(layerName) = \(resolved)"
    }
}

/// A rendered grid and what the caller may want to tell the user about it.
public struct RenderedGrid: Equatable, Sendable {
    public let image: RGBImage
    /// The channels drawn, 0-based, in tile order (left to right, top to bottom).
    public let channels: [Int]
    public let notes: [RenderNote]
    /// Where each channel's tile sits in `image`, in the order of `channels`.
    public let tiles: [TileRect]
}

/// A tile's pixels in a rendered picture: the map's HxW plane upscaled by `factor`
/// (nearest neighbour), top-left corner at (x, y).
public struct TileRect: Equatable, Sendable {
    public let x: Int
    public let y: Int
    public let width: Int
    public let height: Int
    public let factor: Int
}

/// Facts about a rendering worth one line of output; `description` is that line.
public enum RenderNote: Equatable, Sendable, CustomStringConvertible {
    /// More channels were asked for than `layer` has; all `available` are shown.
    case clamped(layer: String, requested: Int, available: Int)
    /// These channels hold one value everywhere; per-channel scaling draws them in the lowest colour.
    case constantChannels(layer: String, channels: [Int])
    /// Layer normalisation found one value across all shown channels; all tiles use the lowest colour.
    case degenerateLayerRange(layer: String, value: Float)

    public var description: String {
        switch self {
        case let .clamped(layer, requested, available):
            return "\(layer) has \(available) channels, fewer than the \(requested) asked for; showing all \(available)"
        case let .constantChannels(layer, channels):
            let list = ChannelList.describe(channels)
            return "\(layer): channel\(channels.count == 1 ? "" : "s") \(list) \(channels.count == 1 ? "is" : "are")"
                + " constant (one value everywhere), marked \"constant\" in the grid"
        case let .degenerateLayerRange(layer, value):
            return "\(layer): every shown value is \(ValueFormat.format(value)), so the shared colour range is empty;"
                + " all tiles use the lowest colour"
        }
    }
}
