import FeatureMapsServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// The LRU bound: the server keeps `capacity` images, the least recently used one goes first.
final class ImageStoreTests: XCTestCase {
    func testTheLeastRecentlyUsedImageIsDroppedPastTheCapacity() async throws {
        let server = try ServerFixtures.server(capacity: 2)
        let png = try ServerFixtures.bytes(ServerFixtures.fixtureImage)
        try await server.application(host: "127.0.0.1", port: 0).test(.router) { client in
            let a = try await client.uploadedID(png)
            let b = try await client.uploadedID(png)
            XCTAssertNotEqual(a, b, "ids are made for each upload")
            try await client.expect("/api/images/\(a)", .ok)  // a is now the most recent
            let c = try await client.uploadedID(png)
            try await client.expect("/api/images/\(b)", .notFound, "b was the least recently used")
            try await client.expect("/api/images/\(a)", .ok)
            try await client.expect("/api/images/\(c)/layers/Conv1", .ok)
            let gone = try await client.execute(uri: "/api/images/\(b)/layers/Conv1/grid.png", method: .get)
            try gone.assertErrorMessage(contains: "upload it again")
        }
    }

    func testPhotosAreOnlyTheListedOnesAndTheBuiltInImage() async throws {
        let folder = try PhotoFolder(directory: ServerFixtures.path("Fixtures/images"))
        XCTAssertEqual(folder.paths.keys.sorted(), ["fixture.png", "fixture_odd.png"])
        let server = ExplorerServer(
            models: ServedModel.all([try ServerFixtures.session(weights: ServerFixtures.fixtureWeights)]), photos: folder)
        try await server.application(host: "127.0.0.1", port: 0).test(.router) { client in
            let list = try await client.execute(uri: "/api/photos", method: .get).json()
            XCTAssertEqual(list["photos"] as? [String], ["test_image", "fixture.png", "fixture_odd.png"])
            let listed = try await client.upload([], query: "?photo=fixture.png")
            XCTAssertEqual(listed.status, .created, String(buffer: listed.body))
            let builtIn = try await client.upload([], query: "?photo=test_image").json()
            XCTAssertEqual([builtIn["width"] as? Int, builtIn["height"] as? Int], [224, 224])
            let folder = try await client.upload([], query: "?photo=codec")
            XCTAssertEqual(folder.status, .notFound, "a folder is no photo")
        }
    }

    func testSeveralModelsNeedAModelParameter() async throws {
        let server = try ServerFixtures.server(classroom: true)
        let png = try ServerFixtures.bytes(ServerFixtures.fixtureImage)
        try await server.application(host: "127.0.0.1", port: 0).test(.router) { client in
            let missing = try await client.upload(png)
            XCTAssertEqual(missing.status, .badRequest)
            try missing.assertErrorMessage(contains: "?model=")
            let grey = try await client.upload(png, query: "?model=classroom_cnn")
            XCTAssertEqual(grey.status, .created, String(buffer: grey.body))
            let json = try grey.json()
            XCTAssertEqual((json["top"] as? [Any])?.count, 5)
            XCTAssertEqual([json["input_width"] as? Int, json["input_height"] as? Int], [28, 28])
            let id = try XCTUnwrap(json["id"] as? String)
            let layerList = try await client.execute(uri: "/api/models/classroom_cnn/layers", method: .get).json()
            let layers = try XCTUnwrap(layerList["layers"] as? [[String: Any]])
            let conv = try XCTUnwrap(layers.first { $0["class"] as? String == "Conv2D" }?["name"] as? String)
            try await client.expect("/api/images/\(id)/layers/\(conv)/grid.png", .ok)
            try await client.expect("/api/images/\(id)/explain.png", .ok)
        }
    }
}
