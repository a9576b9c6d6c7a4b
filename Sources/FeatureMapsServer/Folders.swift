import Foundation
import Hummingbird

/// The photos of `--images DIR`, listed once at start: JPEG and PNG files (by extension) directly
/// in DIR, by file name. A request names a photo; only a name found here reaches a file.
public struct PhotoFolder: Sendable {
    /// File name -> path.
    public let paths: [String: String]

    public init() { paths = [:] }

    /// Throws ServeError.unreadableFolder when DIR cannot be listed.
    public init(directory: String) throws {
        paths = try Self.list(directory) { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }
    }

    static func list(_ directory: String, where keep: (String) -> Bool) throws -> [String: String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw ServeError.unreadableFolder(directory, reason: error.localizedDescription)
        }
        var out: [String: String] = [:]
        for name in names where keep(name) && !name.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { out[name] = path }
        }
        return out
    }
}

/// The results of `featuremaps top-images` in `--examples DIR`, listed once at start: for each
/// <layer>_top.json, that JSON and the contact sheet <layer>_top.png beside it, by <layer>.
public struct ExampleFolder: Sendable {
    /// Layer (file stem without "_top") -> (json path, png path or nil).
    public let results: [String: (json: String, png: String?)]

    public init() { results = [:] }

    public init(directory: String) throws {
        let files = try PhotoFolder.list(directory) { $0.hasSuffix("_top.json") || $0.hasSuffix("_top.png") }
        var results: [String: (json: String, png: String?)] = [:]
        for (name, path) in files where name.hasSuffix("_top.json") {
            let layer = String(name.dropLast("_top.json".count))
            results[layer] = (path, files[layer + "_top.png"])
        }
        self.results = results
    }
}

/// Why `serve` cannot start.
public enum ServeError: Error, LocalizedError, Equatable {
    case unreadableFolder(String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .unreadableFolder(path, reason): return "cannot list \(path): \(reason); give a folder that exists and can be read"
        }
    }
}

extension ExplorerServer {
    /// GET /api/photos (the names, sorted; "test_image" is always there: the built-in image),
    /// GET /api/examples (the layers with top-images results), GET /api/examples/{layer}.json|.png.
    func addFolderRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api/photos") { _, _ in
            Reply.json(.object([("photos", .array((["test_image"] + photos.paths.keys.sorted()).map { .string($0) }))]))
        }
        router.get("/api/examples") { _, _ in
            Reply.json(.object([("layers", .array(examples.results.keys.sorted().map { .string($0) }))]))
        }
        router.get("/api/examples/:file") { _, context in
            let file = try context.parameters.require("file")
            let name = file.removingPercentEncoding ?? file
            let isPNG = name.hasSuffix(".png")
            guard name.hasSuffix(".json") || isPNG, let entry = examples.results[String(name.dropLast(isPNG ? 4 : 5))],
                let path = isPNG ? entry.png : entry.json
            else { throw APIError.unknownExample(name) }
            let bytes = try await Compute.run { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
            return isPNG ? Reply.png(bytes) : Reply.bytes(bytes, type: "application/json; charset=utf-8")
        }
    }
}
