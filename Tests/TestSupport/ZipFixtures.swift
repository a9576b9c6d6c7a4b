import Foundation
import ZIPFoundation

/// Zip archives made at test time with ZIPFoundation (nothing hostile is committed): any entry
/// names, stored or deflated, generated contents of any size, and headers patched to lie.
public enum ZipFixtures {
    public enum Content {
        case bytes(Data)
        /// `count` zero bytes, generated in 1 MB pieces.
        case zeros(Int)
    }

    public struct Entry {
        public var name: String
        public var content: Content
        public var method: CompressionMethod = .none

        public init(name: String, content: Content, method: CompressionMethod = .none) {
            self.name = name
            self.content = content
            self.method = method
        }
    }

    /// A tiny valid Sequential config (an InputLayer and a Flatten: no weights).
    public static let tinyConfig = Data(
        """
        {"module": "keras", "class_name": "Sequential", "config": {"name": "tiny", "layers": [
          {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4, 4, 1], "name": "input_layer"}},
          {"module": "keras.layers", "class_name": "Flatten", "config": {"name": "flatten", "trainable": true, "dtype": "float32"}}]}}
        """.utf8)
    public static let metadata = Data(#"{"keras_version": "3.15.1", "date_saved": "2026-12-07@10:00:00"}"#.utf8)

    /// metadata.json, config.json and model.weights.h5 (garbage unless given), then `extra`.
    public static func keras(
        config: Content = .bytes(tinyConfig), configMethod: CompressionMethod = .none,
        weights: Content = .bytes(Data("not HDF5".utf8)), weightsMethod: CompressionMethod = .none,
        extra: [Entry] = []
    ) -> [Entry] {
        [
            Entry(name: "metadata.json", content: .bytes(metadata)), Entry(name: "config.json", content: config, method: configMethod),
            Entry(name: "model.weights.h5", content: weights, method: weightsMethod),
        ] + extra
    }

    public static func write(_ entries: [Entry], to path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for entry in entries {
            let size: Int
            switch entry.content {
            case .bytes(let data): size = data.count
            case .zeros(let count): size = count
            }
            try archive.addEntry(
                with: entry.name, type: .file, uncompressedSize: Int64(size), compressionMethod: entry.method,
                bufferSize: 1 << 20
            ) { position, chunk in
                switch entry.content {
                case .bytes(let data): return data.subdata(in: Int(position)..<Int(position) + chunk)
                case .zeros: return Data(count: chunk)
                }
            }
        }
    }

    /// Rewrites the uncompressed size that the local and central headers of entry `name` declare.
    public static func lie(about name: String, size: UInt32, in path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let nameBytes = Array(name.utf8)
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        func put(_ value: UInt32, at i: Int) { for k in 0..<4 { bytes[i + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) } }
        var patched = 0, i = 0
        while i + 46 < bytes.count {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4B, bytes[i + 2] == 0x03, bytes[i + 3] == 0x04,
                u16(i + 26) == nameBytes.count, Array(bytes[(i + 30)..<(i + 30 + nameBytes.count)]) == nameBytes
            {
                put(size, at: i + 22); patched += 1
            }
            if bytes[i] == 0x50, bytes[i + 1] == 0x4B, bytes[i + 2] == 0x01, bytes[i + 3] == 0x02,
                u16(i + 28) == nameBytes.count, Array(bytes[(i + 46)..<(i + 46 + nameBytes.count)]) == nameBytes
            {
                put(size, at: i + 24); patched += 1
            }
            i += 1
        }
        precondition(patched == 2, "\(name): \(patched) headers patched")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// A fresh path for an archive.
    public static func path(_ name: String) -> String {
        let directory = NSTemporaryDirectory() + "fm-zip-fixtures-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + "/" + name
    }
}
