import FeatureMapsEngine

/// Summary of one channel's HxW values: the basis of channel ranking and tile titles.
/// Non-finite values (NaN, +-Inf) are skipped; a channel with no finite value reports
/// min = max = mean = 0 and `finiteCount` 0.
public struct ChannelStatistics: Equatable, Sendable {
    public let min: Float
    public let max: Float
    /// Mean of the finite values, accumulated in Double.
    public let mean: Double
    public let finiteCount: Int

    /// Whether every finite value is the same (or there is none): such a channel is drawn in
    /// the lowest colour and marked "constant".
    public var isConstant: Bool { !(max > min) }

    /// Statistics of every channel of `map`, index c for channel c, in one pass over the data.
    public static func of(_ map: Tensor) -> [ChannelStatistics] {
        let c = map.channels
        var low = [Float](repeating: .infinity, count: c)
        var high = [Float](repeating: -.infinity, count: c)
        var sum = [Double](repeating: 0, count: c)
        var count = [Int](repeating: 0, count: c)
        for pixel in 0..<(map.height * map.width) {
            for channel in 0..<c {
                let v = map.data[pixel * c + channel]
                guard v.isFinite else { continue }
                low[channel] = Swift.min(low[channel], v)
                high[channel] = Swift.max(high[channel], v)
                sum[channel] += Double(v)
                count[channel] += 1
            }
        }
        return (0..<c).map { channel in
            count[channel] == 0
                ? ChannelStatistics(min: 0, max: 0, mean: 0, finiteCount: 0)
                : ChannelStatistics(
                    min: low[channel], max: high[channel],
                    mean: sum[channel] / Double(count[channel]), finiteCount: count[channel])
        }
    }
}
