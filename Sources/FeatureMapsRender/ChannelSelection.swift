import FeatureMapsEngine

/// Which channels of a layer to show.
public enum ChannelSelection: Equatable, Sendable {
    /// Channels 0..<n.
    case first(Int)
    /// The n channels with the largest mean activation, largest first; equal means keep
    /// channel order (lower index first).
    case strongest(Int)
    /// Exactly these channels, in this order (see `ChannelList.parse`).
    case list([Int])

    /// The command's default: the first 16 channels.
    public static let standard = ChannelSelection.first(16)

    /// The selection the command's options describe: the parsed `list` text (`--channel-list`)
    /// when given, else `mode` (`--select`) applied to `count` (`--channels`, default 16).
    /// A list cannot be combined with a count or with `.strongest`: a list already fixes the
    /// channels and their order. Throws `RenderError` for those combinations and for a bad list.
    public init(count: Int?, list: String?, mode: SelectionMode = .first) throws {
        if let list {
            if let count { throw RenderError.channelListWithCount(count) }
            if mode == .strongest { throw RenderError.channelListWithStrongest }
            self = .list(try ChannelList.parse(list))
            return
        }
        let n = count ?? 16
        guard n >= 1 else { throw RenderError.channelCountNotPositive(n) }
        self = mode == .first ? .first(n) : .strongest(n)
    }

    /// The chosen channels of a layer whose per-channel statistics are `statistics` (one entry
    /// per channel, as `ChannelStatistics.of` returns). A first/strongest count above the
    /// channel count is clamped, and the result says so; a listed channel the layer lacks
    /// throws `RenderError.channelOutOfRange` naming `layer`.
    public func resolve(statistics: [ChannelStatistics], layer: String) throws -> SelectedChannels {
        let available = statistics.count
        switch self {
        case let .first(n):
            guard n >= 1 else { throw RenderError.channelCountNotPositive(n) }
            return SelectedChannels(channels: Array(0..<Swift.min(n, available)), requested: n)
        case let .strongest(n):
            guard n >= 1 else { throw RenderError.channelCountNotPositive(n) }
            let ranked = Self.rankByMean(statistics)
            return SelectedChannels(channels: Array(ranked.prefix(n)), requested: n)
        case let .list(channels):
            if channels.isEmpty { throw RenderError.emptyChannelList }
            if let bad = channels.first(where: { $0 < 0 || $0 >= available }) {
                throw RenderError.channelOutOfRange(channel: bad, layer: layer, channelCount: available)
            }
            return SelectedChannels(channels: channels, requested: channels.count)
        }
    }

    /// Short text for headers: "first 16", "strongest 16", "list 0,5,9-12".
    public var summary: String {
        switch self {
        case let .first(n): return "first \(n)"
        case let .strongest(n): return "strongest \(n)"
        case let .list(channels): return "list " + ChannelList.describe(channels)
        }
    }

    /// All channel indices ordered by descending mean, ties by ascending index.
    static func rankByMean(_ statistics: [ChannelStatistics]) -> [Int] {
        statistics.indices.sorted { a, b in
            let ma = statistics[a].mean, mb = statistics[b].mean
            return ma != mb ? ma > mb : a < b
        }
    }
}

/// How a count of channels is chosen; raw values are the command's spelling.
public enum SelectionMode: String, CaseIterable, Sendable {
    /// Channels 0..<n.
    case first
    /// The n channels with the largest mean activation.
    case strongest
}

/// The outcome of resolving a `ChannelSelection` against one layer.
public struct SelectedChannels: Equatable, Sendable {
    /// Channel indices (0-based) in display order.
    public let channels: [Int]
    /// How many channels were asked for.
    public let requested: Int

    /// True when fewer channels exist than were asked for, so all of them are shown.
    public var wasClamped: Bool { channels.count < requested }
}
