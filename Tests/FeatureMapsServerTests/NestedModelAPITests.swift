import FeatureMaps
import FeatureMapsServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// A model nested in a model (Fixtures/zoo/transfer_mobilenetv2.keras): its inner layers are
/// named "outer/inner" and reached with the slash percent-encoded in the path.
final class NestedModelAPITests: XCTestCase {
    func testAnInnerLayerIsReachedWithAnEncodedSlash() async throws {
        let session = try ServerFixtures.session(model: ServerFixtures.path("Fixtures/zoo/transfer_mobilenetv2.keras"))
        let server = ExplorerServer(models: ServedModel.all([session]))
        let inner = "mobilenetv2_0.35_160/block_3_expand_relu"
        try await server.application(host: "127.0.0.1", port: 0).test(.router) { client in
            let layers = try await client.execute(uri: "/api/models/transfer_mobilenetv2/layers", method: .get).json()
            let names = try XCTUnwrap(layers["layers"] as? [[String: Any]]).compactMap { $0["name"] as? String }
            XCTAssertTrue(names.contains(inner), "\(names)")
            let id = try await client.uploadedID(try ServerFixtures.bytes(ServerFixtures.fixtureImage))
            let encoded = inner.replacingOccurrences(of: "/", with: "%2F")
            let summary = try await client.execute(uri: "/api/images/\(id)/layers/\(encoded)", method: .get)
            XCTAssertEqual(summary.status, .ok, String(buffer: summary.body))
            XCTAssertEqual(try summary.json()["layer"] as? String, inner)
            XCTAssertEqual(try summary.json()["shape"] as? [Int], [40, 40, 48])
            try await client.expect("/api/images/\(id)/layers/\(encoded)/grid.png", .ok)
            try await client.expect("/api/images/\(id)/layers/\(encoded)/channels/0.png", .ok)
            try await client.expect("/api/images/\(id)/layers/\(inner)/grid.png", .notFound, "an unencoded slash is two path segments")
            try await client.expect("/api/images/\(id)/explain.png?layer=\(encoded)", .ok)
        }
    }
}
