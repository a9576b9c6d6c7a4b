/// The text form of an explicit channel list, as typed after `--channel-list`: comma-separated
/// 0-based channel numbers and inclusive ranges, e.g. "0,5,9-12" is [0, 5, 9, 10, 11, 12].
public enum ChannelList {
    /// No layer has more channels than this (MobileNetV2's widest has 1280); numbers above it
    /// are rejected before a range like 0-99999999 could allocate.
    public static let largestChannel = 65_535

    /// Parses `text` into channel numbers in the order written. Spaces around items are
    /// ignored; a channel listed twice keeps its first place. When `channelCount` is given,
    /// every channel must be below it (`layer` names the layer in that error).
    /// Throws `RenderError` naming the offending item and what to write instead.
    public static func parse(_ text: String, channelCount: Int? = nil, layer: String = "the layer") throws -> [Int] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmedOfBlanks() }
        if items.allSatisfy(\.isEmpty) { throw RenderError.emptyChannelList }
        var channels: [Int] = []
        var seen = Set<Int>()
        for item in items {
            for channel in try parseItem(item, list: text) where seen.insert(channel).inserted {
                if let count = channelCount, channel >= count {
                    throw RenderError.channelOutOfRange(channel: channel, layer: layer, channelCount: count)
                }
                channels.append(channel)
            }
        }
        return channels
    }

    /// The shortest text that `parse` reads back as `channels`: runs of 3 or more consecutive
    /// ascending numbers become ranges, e.g. [0, 5, 9, 10, 11, 12] gives "0,5,9-12".
    public static func describe(_ channels: [Int]) -> String {
        var parts: [String] = []
        var start = 0
        while start < channels.count {
            var end = start
            while end + 1 < channels.count, channels[end + 1] == channels[end] + 1 { end += 1 }
            if end - start >= 2 {
                parts.append("\(channels[start])-\(channels[end])")
            } else {
                parts += channels[start...end].map(String.init)
            }
            start = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// One item: "7" or "9-12".
    private static func parseItem(_ item: String, list: String) throws -> ClosedRange<Int> {
        let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 1 || bounds.count == 2 else {
            throw RenderError.invalidChannelListItem(item: item, list: list)
        }
        let numbers = try bounds.map { try parseNumber(String($0), item: item, list: list) }
        guard numbers[0] <= numbers[numbers.count - 1] else {
            throw RenderError.backwardsChannelRange(from: numbers[0], to: numbers[1])
        }
        return numbers[0]...numbers[numbers.count - 1]
    }

    /// A non-negative decimal number of ASCII digits, at most `largestChannel`.
    private static func parseNumber(_ text: String, item: String, list: String) throws -> Int {
        let digits = text.trimmedOfBlanks()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw RenderError.invalidChannelListItem(item: item, list: list)
        }
        guard let value = Int(digits), value <= largestChannel else {
            throw RenderError.channelNumberTooLarge(number: digits, limit: largestChannel)
        }
        return value
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmedOfBlanks() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }),
            let last = lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(self[first...last])
    }
}
