/// How a channel's map becomes one number per image.
public enum TopImagesScore: String, CaseIterable, Sendable {
    /// The largest value over the map.
    case max
    /// The mean over the map (accumulated in Double, in row-major order).
    case mean
}

/// One image's score for one channel: the score, the image's place in the input order, and the
/// map position (row, column) of the channel's maximum (the first in row-major order on a tie).
public struct TopEntry: Sendable, Equatable {
    public let value: Float
    /// Index of the image in the sorted input list (the order tie-breaks by).
    public let order: Int
    public let mapY: Int, mapX: Int

    public init(value: Float, order: Int, mapY: Int, mapX: Int) {
        self.value = value
        self.order = order
        self.mapY = mapY
        self.mapX = mapX
    }

    /// The ranking: larger value first, then earlier image.
    public func ranksBefore(_ o: TopEntry) -> Bool { value != o.value ? value > o.value : order < o.order }
}

/// The best `k` entries seen so far, best first: memory O(k) whatever the number of offers. An
/// offer no better than the current k-th is rejected in O(1); otherwise inserted in O(k).
/// The result depends only on the set of entries offered, not on their order (ranking is total:
/// an image is offered at most once per channel). NaN scores are never kept.
public struct TopK: Sendable, Equatable {
    public let k: Int
    public private(set) var entries: [TopEntry] = []

    public init(k: Int) {
        precondition(k >= 1, "k must be at least 1")
        self.k = k
    }

    public mutating func offer(_ e: TopEntry) {
        guard !e.value.isNaN else { return }
        if entries.count == k {
            guard e.ranksBefore(entries[k - 1]) else { return }
            entries.removeLast()
        }
        let at = entries.firstIndex { e.ranksBefore($0) } ?? entries.count
        entries.insert(e, at: at)
    }
}

extension TopImagesScore {
    /// Channel `c` of an (H, W, C) map, data row-major: its score and the position of its maximum.
    public func score(_ data: [Float], height: Int, width: Int, channels: Int, channel c: Int) -> (value: Float, y: Int, x: Int) {
        var best = -Float.infinity, at = 0, sum = 0.0
        data.withUnsafeBufferPointer { p in
            for i in 0..<(height * width) {
                let v = p[i * channels + c]
                sum += Double(v)
                if v > best {
                    best = v
                    at = i
                }
            }
        }
        let value = self == .max ? best : Float(sum / Double(height * width))
        return (value, at / width, at % width)
    }
}
