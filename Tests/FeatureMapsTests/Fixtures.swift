import Foundation
import XCTest

/// Paths of committed fixtures and of the real data in ../shared (beside the package root).
enum Fixtures {
    /// The package root: Tests/FeatureMapsTests/Fixtures.swift -> ../..
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func path(_ relative: String) -> String { root + "/" + relative }

    static let fixtureWeights = path("Fixtures/weights/mobilenet_v2_0.35_224_fixture.h5")
    static let fixtureImage = path("Fixtures/images/fixture.png")

    /// The real ImageNet weights in ../shared; skips the calling test, saying why, when absent.
    static func sharedFile(_ relative: String) throws -> String {
        let p = path("../shared/" + relative)
        guard FileManager.default.fileExists(atPath: p) else {
            throw XCTSkip("\(p) is absent (../shared holds the real ImageNet weights and photos; a fresh clone has none)")
        }
        return p
    }

    static func json(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(relative)))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
