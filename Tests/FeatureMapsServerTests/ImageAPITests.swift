import FeatureMaps
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsRender
import FeatureMapsServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// An upload and every picture of it, on the fixture MobileNetV2 over real HTTP: each answer is
/// compared with what the library computes in-process for the same image.
final class ImageAPITests: XCTestCase {
    /// 112 x 112 x 48 in MobileNetV2 0.35 at 224.
    static let layer = "block_1_expand_relu"

    /// The fixture image as the library prepares it, and the layer's value.
    func expected(_ layerName: String) throws -> (Session, LayerChoice, NDArray) {
        let session = try ServerFixtures.session(weights: ServerFixtures.fixtureWeights)
        let image = try session.prepare(imageData: try ServerFixtures.bytes(ServerFixtures.fixtureImage), name: "upload")
        let choice = try session.resolve(layerName)
        return (session, choice, try session.activations(image, layers: [choice])[choice.key]!)
    }

    func testUploadAnswersIdSizeAndTheTopFiveTheLibraryComputes() async throws {
        let server = try ServerFixtures.server()
        let session = try ServerFixtures.session(weights: ServerFixtures.fixtureWeights)
        let bytes = try ServerFixtures.bytes(ServerFixtures.fixtureImage)
        let top = try session.classify(try session.prepare(imageData: bytes, name: "upload"), top: 5)
        try await server.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let response = try await client.upload(bytes)
            XCTAssertEqual(response.status, .created)
            let json = try response.json()
            let id = try XCTUnwrap(json["id"] as? String)
            XCTAssertEqual(id.count, 32)
            XCTAssertTrue(id.allSatisfy(\.isHexDigit), id)
            let decoded = try ImageDecoder.decode(bytes)
            XCTAssertEqual(json["width"] as? Int, decoded.width)
            XCTAssertEqual(json["height"] as? Int, decoded.height)
            let answered = try XCTUnwrap(json["top"] as? [[String: Any]])
            XCTAssertEqual(answered.map { $0["index"] as? Int }, top.map(\.classIndex))
            XCTAssertEqual(answered.map { $0["label"] as? String }, top.map(\.label))
            for (a, p) in zip(answered, top) {
                XCTAssertEqual(try XCTUnwrap(a["probability"] as? Double), Double(p.probability), accuracy: 1e-6)
            }
            let again = try await client.execute(uri: "/api/images/\(id)", method: .get)
            XCTAssertEqual(try again.json()["id"] as? String, id)
            let input = try await client.execute(uri: "/api/images/\(id)/input.png", method: .get).picture()
            XCTAssertEqual([input.width, input.height], [224, 224])
        }
    }

    func testGridPNGIsTheRenderersGridForTheSameOptions() async throws {
        let server = try ServerFixtures.server()
        let layer = Self.layer
        let (_, choice, value) = try expected(layer)
        try await server.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let id = try await client.uploadedID(try ServerFixtures.bytes(ServerFixtures.fixtureImage))
            for (query, selection, normalization, columns) in [
                ("", ChannelSelection.first(16), Normalization.channel, 8),
                ("?select=strongest&channels=6&normalize=layer&columns=3", .strongest(6), .layer, 3),
                ("?list=0,5,9-12", .list([0, 5, 9, 10, 11, 12]), .channel, 8),
            ] {
                let response = try await client.execute(uri: "/api/images/\(id)/layers/\(layer)/grid.png\(query)", method: .get)
                XCTAssertEqual(response.status, .ok, query)
                XCTAssertEqual(response.headers[.contentType], "image/png")
                let picture = try response.picture()
                let grid = try LayerPictures.grid(value, layer: choice, selection: selection, columns: columns, normalization: normalization)
                XCTAssertEqual([picture.width, picture.height], [grid.image.width, grid.image.height], query)
                XCTAssertEqual(picture.pixels, grid.image.pixels, "grid.png\(query) differs from LayerPictures.grid")
            }
        }
    }

    func testChannelJSONPNGAndNPYHoldTheLayersValues() async throws {
        let server = try ServerFixtures.server()
        let layer = Self.layer
        let (_, choice, value) = try expected(layer)
        let expectedValues = try LayerPictures.values(value, layer: choice, channel: 5)
        try await server.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let id = try await client.uploadedID(try ServerFixtures.bytes(ServerFixtures.fixtureImage))
            let base = "/api/images/\(id)/layers/\(layer)"
            let summary = try await client.execute(uri: base, method: .get).json()
            XCTAssertEqual(summary["shape"] as? [Int], [112, 112, 48])
            XCTAssertEqual((summary["channels"] as? [Any])?.count, 48)

            let json = try await client.execute(uri: base + "/channels/5", method: .get).json()
            XCTAssertEqual(json["width"] as? Int, 112)
            XCTAssertEqual(json["height"] as? Int, 112)
            let values = try XCTUnwrap(json["values"] as? [Double])
            XCTAssertEqual(values.count, 112 * 112)
            XCTAssertEqual(values.map(Float.init), expectedValues.values, "hover values differ from the layer's channel 5")
            XCTAssertEqual(Float(try XCTUnwrap(json["max"] as? Double)), expectedValues.values.max())
            XCTAssertEqual(Float(try XCTUnwrap(json["min"] as? Double)), expectedValues.values.min())

            let npy = try await client.execute(uri: base + "/channels/5.npy", method: .get)
            let decoded = try NPY.decodeFloat32(npy.bytes)
            XCTAssertEqual(decoded.shape, [112, 112])
            XCTAssertEqual(decoded.values, expectedValues.values)

            let png = try await client.execute(uri: base + "/channels/5.png?width=224", method: .get).picture()
            let drawn = try LayerPictures.channel(value, layer: choice, channel: 5, normalization: .channel, minWidth: 224)
            XCTAssertEqual([png.width, png.height], [224, 224])
            XCTAssertEqual(png.pixels, drawn.pixels)
            let native = try await client.execute(uri: base + "/channels/47.png", method: .get).picture()
            XCTAssertEqual([native.width, native.height], [112, 112])
        }
    }

    func testExplainByIndexIsTheExplainJobsPicture() async throws {
        let server = try ServerFixtures.server()
        let session = try ServerFixtures.session(weights: ServerFixtures.fixtureWeights)
        let prepared = try session.prepare(imageData: try ServerFixtures.bytes(ServerFixtures.fixtureImage), name: "upload")
        let job = try ExplainJob(
            session: session, classChoice: .index(7), layer: try session.resolve("out_relu"), method: .gradcam, topChannels: nil, threads: 1)
        let expected = try XCTUnwrap(try job.pictures(prepared).gradCAM)
        try await server.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let id = try await client.uploadedID(try ServerFixtures.bytes(ServerFixtures.fixtureImage))
            let response = try await client.execute(uri: "/api/images/\(id)/explain.png?method=gradcam&class=7", method: .get)
            XCTAssertEqual(response.status, .ok, String(buffer: response.body))
            XCTAssertEqual(response.headers[HTTPField.Name("X-Class-Index")!], "7")
            let picture = try response.picture()
            XCTAssertEqual([picture.width, picture.height], [expected.width, expected.height])
            XCTAssertEqual(picture.pixels, expected.pixels)
            let saliency = try await client.execute(uri: "/api/images/\(id)/explain.png?method=saliency&layer=block_13_expand_relu", method: .get)
            XCTAssertEqual(saliency.status, .ok, String(buffer: saliency.body))
            XCTAssertNotEqual(try saliency.picture().pixels, picture.pixels)
        }
    }
}
