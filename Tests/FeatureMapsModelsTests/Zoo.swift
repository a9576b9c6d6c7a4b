import Foundation
import XCTest
@testable import FeatureMapsModels

/// The Keras-made model zoo (Scripts/make_zoo.py): `$FEATUREMAPS_ZOO`, else this package's
/// Fixtures/zoo. Tests that need it skip, saying so, when none exists.
enum Zoo {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let directory: String? = {
        var candidates = [packageRoot + "/Fixtures/zoo"]
        if let given = ProcessInfo.processInfo.environment["FEATUREMAPS_ZOO"] { candidates.insert(given, at: 0) }
        // A zoo: a folder with at least one model's manifest (Fixtures/zoo, or .build/zoo-large of
        // Scripts/make_zoo_large.py given as FEATUREMAPS_ZOO).
        return candidates.first { dir in
            ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).contains {
                FileManager.default.fileExists(atPath: dir + "/" + $0 + "/manifest.json")
            }
        }
    }()

    static func path(_ name: String) throws -> String {
        guard let directory else { throw XCTSkip("no model zoo (Fixtures/zoo or $FEATUREMAPS_ZOO)") }
        let path = directory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("the zoo has no \(name) yet") }
        return path
    }

    /// Model names: the zoo's directories holding a manifest.json.
    static func models() throws -> [String] {
        guard let directory else { throw XCTSkip("no model zoo") }
        return try FileManager.default.contentsOfDirectory(atPath: directory).filter {
            FileManager.default.fileExists(atPath: directory + "/" + $0 + "/manifest.json")
        }.sorted()
    }

    struct Row: Decodable {
        let name: String, path: String, class_name: String, module: String?
        let param_count: Int, inbound: [String]
    }
    struct Manifest: Decodable {
        let model: String
        let param_count: Int
        let layer_table: [Row]
    }

    static func manifest(_ model: String) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: try path(model + "/manifest.json"))))
    }

    static func description(_ file: String) throws -> KerasModelDescription {
        guard case .model(let description) = try KerasModelFile.read(path: try path(file)) else {
            throw NSError(domain: "zoo", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(file) read as weights-only"])
        }
        return description
    }
}
