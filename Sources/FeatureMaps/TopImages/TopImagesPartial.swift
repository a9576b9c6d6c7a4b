import Foundation
import FeatureMapsWeights

/// What the result files say about the run besides the rows; a shard carries it so that
/// `top-images merge` writes the same bytes as one process without opening the model.
public struct TopImagesHeader: Codable, Equatable, Sendable {
    /// The layer as the user typed it (file names, titles) and the model's own name (PNG metadata).
    public var layer: String
    public var layerName: String
    public var score: TopImagesScore
    public var k: Int
    public var channels: [Int]
    /// The weights or model file as given, and its PNG metadata key ("Weights" or "Model").
    public var model: String
    public var modelKind: String
    /// "224x224".
    public var inputSize: String
}

extension TopImagesScore: Codable {}

/// A shard's partial result, `<layer>_top.shard-<i>-of-<n>.json`: the header, the model file's
/// identity (name in the header, SHA-256 here), the shard, the length of the whole sorted image
/// list, and each channel's k best rows of this shard with their global order, image size-derived
/// crop box and the value's float32 bits (exact; `value` is only for reading).
public struct TopImagesPartial: Codable, Equatable, Sendable {
    public static let currentFormat = "featuremaps top-images shard, version 1"

    public struct Row: Codable, Equatable, Sendable {
        public var channel: Int
        public var order: Int
        public var image: String
        public var value: Float
        public var valueBits: UInt32
        public var mapY: Int, mapX: Int
        /// [y0, y1, x0, x1], half-open, original image pixels.
        public var box: [Int]
    }

    public var format: String
    public var header: TopImagesHeader
    public var modelSHA256: String
    public var shard: TopImagesShard
    public var imageCount: Int
    public var imagesRead: Int
    public var rows: [Row]

    /// The job's current rows as shard `shard` of a list of `imageCount` images; hashes the
    /// job's model file (throws WeightsError.unreadable when it can no longer be read).
    public init(job: TopImagesJob, shard: TopImagesShard, imageCount: Int, imagesRead: Int) throws {
        format = Self.currentFormat
        header = job.header
        modelSHA256 = try Digest.hex(fileAt: job.session.sourcePath)
        self.shard = shard
        self.imageCount = imageCount
        self.imagesRead = imagesRead
        rows = job.rows.map {
            Row(
                channel: $0.channel, order: $0.order, image: $0.image, value: $0.value, valueBits: $0.value.bitPattern, mapY: $0.mapY,
                mapX: $0.mapX, box: [$0.box.rows.lowerBound, $0.box.rows.upperBound, $0.box.cols.lowerBound, $0.box.cols.upperBound])
        }
    }

    /// "<layer>_top.shard-<i>-of-<n>.json" in `directory`.
    public static func fileName(directory: String, layer: String, shard: TopImagesShard) -> String {
        OutputPaths.file(directory: directory, stem: OutputPaths.safe(layer), layer: "top", extension: "shard-\(shard.index)-of-\(shard.count).json")
    }

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// The partial in the file at `path`; TopImagesError.notAShard naming it when it is not one.
    public static func read(_ path: String) throws -> TopImagesPartial {
        guard let data = FileManager.default.contents(atPath: path) else { throw TopImagesError.notAShard(file: path, reason: "it cannot be read") }
        let decoder = JSONDecoder()
        let partial: TopImagesPartial
        do { partial = try decoder.decode(TopImagesPartial.self, from: data) } catch {
            throw TopImagesError.notAShard(file: path, reason: "it is not a top-images shard file (\(Self.describe(error)))")
        }
        guard partial.format == currentFormat else {
            throw TopImagesError.notAShard(file: path, reason: "its format is '\(partial.format)', this featuremaps reads '\(currentFormat)'")
        }
        guard partial.shard.count >= 1, (0..<partial.shard.count).contains(partial.shard.index),
            partial.rows.allSatisfy({ $0.box.count == 4 && partial.header.channels.contains($0.channel) })
        else { throw TopImagesError.notAShard(file: path, reason: "its shard or rows are inconsistent") }
        return partial
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "no \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.dataCorrupted(let c):
            return c.codingPath.isEmpty ? "not JSON" : "bad \"" + c.codingPath.map(\.stringValue).joined(separator: ".") + "\""
        default: return "\(error)"
        }
    }
}
