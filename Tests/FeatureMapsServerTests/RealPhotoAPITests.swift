import FeatureMaps
import FeatureMapsServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// The real ImageNet MobileNetV2 on ../shared/images/parrot.jpg over real HTTP (skipped when the
/// weights or the photo are absent): the top-1 is the macaw `featuremaps classify` prints, and
/// Grad-CAM for "macaw" by name is the same picture as by its index.
final class RealPhotoAPITests: XCTestCase {
    func testParrotIsAMacawAndItsExplanationByNameIsByIndex() async throws {
        let session = try ServerFixtures.session(weights: try ServerFixtures.realWeights())
        let parrot = try ServerFixtures.bytes(try ServerFixtures.sharedImage("parrot.jpg"))
        let top = try session.classify(try session.prepare(imageData: parrot, name: "upload"), top: 1)[0]
        XCTAssertEqual(top.label, "macaw", "the library itself no longer calls parrot.jpg a macaw")
        let server = ExplorerServer(models: ServedModel.all([session]))
        try await server.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let response = try await client.upload(parrot, query: "?model=mobilenet_v2_1.0_224_dequantized")
            XCTAssertEqual(response.status, .created)
            let json = try response.json()
            let answered = try XCTUnwrap(json["top"] as? [[String: Any]])
            XCTAssertEqual(answered.count, 5)
            XCTAssertEqual(answered[0]["label"] as? String, "macaw")
            XCTAssertEqual(answered[0]["index"] as? Int, top.classIndex)
            XCTAssertEqual(answered[0]["wnid"] as? String, "n01818515")
            XCTAssertGreaterThan(try XCTUnwrap(answered[0]["probability"] as? Double), 0.5)
            let id = try XCTUnwrap(json["id"] as? String)

            let byName = try await client.execute(uri: "/api/images/\(id)/explain.png?method=gradcam&class=macaw", method: .get)
            XCTAssertEqual(byName.status, .ok, String(buffer: byName.body))
            XCTAssertEqual(byName.headers[HTTPField.Name("X-Class-Label")!], "macaw")
            XCTAssertEqual(byName.headers[HTTPField.Name("X-Class-Index")!], String(top.classIndex))
            let byIndex = try await client.execute(uri: "/api/images/\(id)/explain.png?class=\(top.classIndex)", method: .get)
            XCTAssertEqual(try byIndex.picture().pixels, try byName.picture().pixels)
            let other = try await client.execute(uri: "/api/images/\(id)/explain.png?class=tabby", method: .get)
            XCTAssertEqual(other.headers[HTTPField.Name("X-Class-Label")!], "tabby")
            XCTAssertNotEqual(try other.picture().pixels, try byName.picture().pixels)

            let grid = try await client.execute(uri: "/api/images/\(id)/layers/block_6_conv1/grid.png?channels=32&select=strongest", method: .get)
            XCTAssertEqual(grid.status, .ok)
            let channel = try await client.execute(uri: "/api/images/\(id)/layers/block_6_conv1/channels/0", method: .get).json()
            XCTAssertEqual(channel["layer"] as? String, "block_6_expand_relu")
            XCTAssertEqual([channel["width"] as? Int, channel["height"] as? Int], [28, 28])
        }
    }
}
