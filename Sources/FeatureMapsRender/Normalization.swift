/// How activation values become colours.
public enum Normalization: String, CaseIterable, Sendable {
    /// Each tile uses its own min..max, like matplotlib's `imshow` default. Shows every
    /// channel's pattern, hides how strong channels are relative to each other.
    case channel
    /// One min..max over all shown channels for the whole grid; a colour bar gives the range.
    case layer

    /// Short text for headers.
    public var summary: String {
        switch self {
        case .channel: return "each tile scaled to its own min..max"
        case .layer: return "one shared range for all tiles (colour bar)"
        }
    }
}

/// A closed range of activation values mapped onto the colormap: `low` to the first colour,
/// `high` to the last, linearly between (matplotlib's `Normalize`).
public struct ValueRange: Equatable, Sendable {
    public let low: Float
    public let high: Float

    public init(low: Float, high: Float) {
        self.low = low
        self.high = high
    }

    /// The range of one channel, from its statistics.
    public init(_ statistics: ChannelStatistics) {
        self.init(low: statistics.min, high: statistics.max)
    }

    /// The smallest range holding every channel in `statistics` (the layer-mode range).
    public init(spanning statistics: [ChannelStatistics]) {
        let counted = statistics.filter { $0.finiteCount > 0 }
        self.init(low: counted.map(\.min).min() ?? 0, high: counted.map(\.max).max() ?? 0)
    }

    /// True when the range has no width (or is not finite): every value then gets the lowest colour.
    public var isDegenerate: Bool { !(high > low) || !low.isFinite || !high.isFinite }

    /// `value` mapped to [0, 1] as `(value - low) / (high - low)` in Double. Values outside the
    /// range fall outside [0, 1] (the colormap clips them). A degenerate range or a non-finite
    /// value gives 0, the lowest colour, so nothing divides by zero.
    @inline(__always)
    public func unit(_ value: Float) -> Double {
        guard !isDegenerate, value.isFinite else { return 0 }
        return (Double(value) - Double(low)) / (Double(high) - Double(low))
    }

    /// The viridis index of `value` under this range.
    @inline(__always)
    func colorIndex(_ value: Float) -> Int { Viridis.index(unit: unit(value)) }
}
