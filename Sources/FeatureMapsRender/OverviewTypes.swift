import FeatureMapsEngine

/// One classifier output for the overview: a class label and its probability in 0...1.
public struct OverviewPrediction: Equatable, Sendable {
    public var label: String
    public var probability: Float

    public init(label: String, probability: Float) {
        self.label = label
        self.probability = probability
    }
}

/// One layer's row in the overview: a few channels of its map beside the layer name.
public struct OverviewRow: Equatable, Sendable {
    /// The layer name as the user gave it.
    public var layerName: String
    /// The model layer an alias resolves to, shown as "= name" under the layer name.
    public var resolvedName: String?
    /// The layer's HxWxC output for the overview's input.
    public var map: Tensor
    /// Which channels to show; each tile is scaled to its own min..max.
    public var selection: ChannelSelection

    public init(
        layerName: String, resolvedName: String? = nil, map: Tensor,
        selection: ChannelSelection = .first(OverviewRenderer.channelsPerRow)
    ) {
        self.layerName = layerName
        self.resolvedName = resolvedName
        self.map = map
        self.selection = selection
    }
}
