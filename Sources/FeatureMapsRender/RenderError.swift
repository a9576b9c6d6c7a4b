import Foundation

/// Everything the renderer can reject. Each case carries the offending values; all message
/// text lives in `errorDescription`, one line that ends with what to do.
public enum RenderError: Error, Equatable, LocalizedError {
    /// The channel list text held no channel numbers.
    case emptyChannelList
    /// `item` (one comma-separated part of `list`) is neither a number nor a range `a-b`.
    case invalidChannelListItem(item: String, list: String)
    /// A range `from-to` in a channel list with `from > to`.
    case backwardsChannelRange(from: Int, to: Int)
    /// A channel number (as written) above `ChannelList.largestChannel`, more than any layer has.
    case channelNumberTooLarge(number: String, limit: Int)
    /// A listed channel that `layer`, with `channelCount` channels, does not have.
    case channelOutOfRange(channel: Int, layer: String, channelCount: Int)
    /// A channel list given together with a channel count.
    case channelListWithCount(Int)
    /// A channel list given together with the strongest selection.
    case channelListWithStrongest
    /// A first-N or strongest-N selection with N < 1.
    case channelCountNotPositive(Int)
    /// A grid with fewer than one column.
    case columnsNotPositive(Int)
    /// A minimum tile width below one pixel.
    case tileWidthNotPositive(Int)
    /// The picture would exceed `limit` pixels in total.
    case imageTooLarge(width: Int, height: Int, limit: Int)

    public var errorDescription: String? {
        switch self {
        case .emptyChannelList:
            return "the channel list is empty; give channel numbers and ranges like 0,5,9-12"
        case let .invalidChannelListItem(item, list) where item.isEmpty:
            return "the channel list '\(list)' has an empty item; write numbers and ranges like 0,5,9-12"
        case let .invalidChannelListItem(item, list):
            return "'\(item)' in the channel list '\(list)' is not a channel number or range;"
                + " write numbers and ranges like 0,5,9-12"
        case let .backwardsChannelRange(from, to):
            return "the channel range \(from)-\(to) runs backwards; write it as \(to)-\(from)"
        case let .channelNumberTooLarge(number, limit):
            return "channel \(number) is larger than any layer has (limit \(limit)); pick smaller channel numbers"
        case let .channelOutOfRange(channel, layer, count):
            return "channel \(channel) does not exist in \(layer), which has channels 0-\(count - 1)"
                + " (0-based); pick channels in 0-\(count - 1)"
        case let .channelListWithCount(count):
            return "a channel list and a channel count (\(count)) were both given; give only one of them"
        case .channelListWithStrongest:
            return "a channel list already fixes which channels are shown and in what order;"
                + " drop the list or the strongest selection"
        case let .channelCountNotPositive(count):
            return "cannot show \(count) channels; ask for 1 or more"
        case let .columnsNotPositive(columns):
            return "cannot lay out tiles in \(columns) columns; use 1 or more columns"
        case let .tileWidthNotPositive(width):
            return "a minimum tile width of \(width) pixels is impossible; use 1 or more pixels"
        case let .imageTooLarge(width, height, limit):
            return "the picture would be \(width)x\(height) pixels, more than the limit of \(limit) pixels;"
                + " show fewer channels or use more columns"
        }
    }
}
