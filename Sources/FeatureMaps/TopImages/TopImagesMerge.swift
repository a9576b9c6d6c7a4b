import Foundation
import FeatureMapsEngine

/// `top-images merge`: shard partials -> the rows one process over the whole list would have
/// found. Each shard holds its own k best per channel with global orders, and the ranking (value,
/// then order) is total, so the k best of their union are the k best of all images.
public enum TopImagesMerge {
    public struct Result: Sendable {
        public let header: TopImagesHeader
        public let rows: [TopImageRow]
        public let imagesRead: Int
        public let imageCount: Int
    }

    /// Refuses (TopImagesError, naming the files) shards of different layers, models, k, --by,
    /// channels, shard counts or image lists, a duplicated shard and a missing one.
    public static func merge(_ shards: [(file: String, partial: TopImagesPartial)]) throws -> Result {
        guard let first = shards.first else { throw TopImagesError.noShards(arguments: []) }
        let a = first.partial
        func same(_ what: String, _ value: (TopImagesPartial) -> String) throws {
            if let other = shards.first(where: { value($0.partial) != value(a) }) {
                throw TopImagesError.shardsDiffer(
                    what: what, first: first.file, firstValue: value(a), other: other.file, otherValue: value(other.partial))
            }
        }
        try same("layers") { $0.header.layer }
        try same("models") { URL(fileURLWithPath: $0.header.model).lastPathComponent + " sha256 " + $0.modelSHA256.prefix(12) }
        try same("input sizes") { $0.header.inputSize }
        try same("-k") { String($0.header.k) }
        try same("--by") { $0.header.score.rawValue }
        try same("--channels") { $0.header.channels.map(String.init).joined(separator: ",") }
        try same("shard counts (n of --shard i/n)") { String($0.shard.count) }
        try same("image lists (number of images)") { String($0.imageCount) }
        var byIndex: [Int: String] = [:]
        for s in shards {
            if let earlier = byIndex[s.partial.shard.index] {
                throw TopImagesError.shardDuplicated(index: s.partial.shard.index, count: a.shard.count, first: earlier, second: s.file)
            }
            byIndex[s.partial.shard.index] = s.file
        }
        if let missing = (0..<a.shard.count).first(where: { byIndex[$0] == nil }) {
            throw TopImagesError.shardMissing(index: missing, count: a.shard.count, layer: a.header.layer)
        }
        let ordered = shards.sorted { $0.partial.shard.index < $1.partial.shard.index }
        let all = ordered.flatMap(\.partial.rows)
        let rows = a.header.channels.flatMap { channel in
            all.filter { $0.channel == channel }.map {
                (entry: TopEntry(value: Float(bitPattern: $0.valueBits), order: $0.order, mapY: $0.mapY, mapX: $0.mapX), row: $0)
            }
            .sorted { $0.entry.ranksBefore($1.entry) }.prefix(a.header.k).enumerated().map { rank, e in
                TopImageRow(
                    channel: channel, rank: rank + 1, image: e.row.image, order: e.row.order, value: e.entry.value, mapY: e.row.mapY,
                    mapX: e.row.mapX, box: InputBox(rows: e.row.box[0]..<e.row.box[1], cols: e.row.box[2]..<e.row.box[3]))
            }
        }
        // The model path of shard 0: the one a single process on that machine would have written.
        let header = ordered[0].partial.header
        return Result(header: header, rows: rows, imagesRead: ordered.map(\.partial.imagesRead).reduce(0, +), imageCount: a.imageCount)
    }

    /// The shard files a merge argument names: the file itself, or a folder's
    /// `*_top.shard-<i>-of-<n>.json` files, sorted by name.
    public static func shardFiles(_ arguments: [String]) throws -> [String] {
        var files: [String] = []
        for a in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: a, isDirectory: &isDirectory) else {
                throw TopImagesError.notAShard(file: a, reason: "it does not exist")
            }
            guard isDirectory.boolValue else {
                files.append(a)
                continue
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: a)) ?? []
            let base = a.hasSuffix("/") ? String(a.dropLast()) : a
            files += names.filter(isShardName).sorted().map { base + "/" + $0 }
        }
        guard !files.isEmpty else { throw TopImagesError.noShards(arguments: arguments) }
        return files
    }

    /// "<layer>_top.shard-<i>-of-<n>.json".
    static func isShardName(_ name: String) -> Bool {
        name.range(of: #"_top\.shard-[0-9]+-of-[0-9]+\.json$"#, options: .regularExpression) != nil
    }
}
