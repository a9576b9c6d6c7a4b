import FeatureMaps
import FeatureMapsServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// GET /api/models and /api/models/{m}/layers, over real HTTP (.live) and through the router.
final class ModelAPITests: XCTestCase {
    func testModelsListsEveryServedModelWithItsInputAndClasses() async throws {
        let server = try ServerFixtures.server(classroom: true)
        try await server.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let response = try await client.execute(uri: "/api/models", method: .get)
            XCTAssertEqual(response.status, .ok)
            XCTAssertEqual(response.headers[.contentType], "application/json; charset=utf-8")
            let models = try XCTUnwrap(try response.json()["models"] as? [[String: Any]])
            XCTAssertEqual(models.map { $0["id"] as? String }, ["mobilenet_v2_0.35_224_fixture", "classroom_cnn"])
            XCTAssertEqual(models[0]["input_shape"] as? [Int], [224, 224, 3])
            XCTAssertEqual(models[0]["classes"] as? Int, 1000)
            XCTAssertEqual(models[0]["kind"] as? String, "weights")
            XCTAssertEqual(models[1]["input_shape"] as? [Int], [28, 28, 1])
            XCTAssertEqual(models[1]["classes"] as? Int, 10)
            XCTAssertEqual(models[1]["name"] as? String, "classroom_cnn.keras")
        }
    }

    func testLayersGiveNameClassShapeAndInboundInKerasOrder() async throws {
        let server = try ServerFixtures.server(classroom: true)
        let session = try ServerFixtures.session(model: ServerFixtures.classroomModel)
        try await server.application(host: "127.0.0.1", port: 0).test(.router) { client in
            let response = try await client.execute(uri: "/api/models/classroom_cnn/layers", method: .get)
            XCTAssertEqual(response.status, .ok)
            let layers = try XCTUnwrap(try response.json()["layers"] as? [[String: Any]])
            XCTAssertEqual(layers.map { $0["name"] as? String }, session.layers.map(\.name))
            XCTAssertEqual(layers.map { $0["class"] as? String }, session.layers.map(\.className))
            XCTAssertEqual(layers.map { $0["shape"] as? [Int] }, session.layers.map(\.shape))
            XCTAssertEqual(layers.map { $0["inbound"] as? [String] }, session.layers.map(\.inbound))
            XCTAssertTrue(layers.contains { $0["class"] as? String == "Conv2D" }, "the classroom CNN has convolutions: \(layers)")

            let mobileList = try await client.execute(uri: "/api/models/mobilenet_v2_0.35_224_fixture/layers", method: .get).json()
            let mobile = try XCTUnwrap(mobileList["layers"] as? [[String: Any]])
            let expand = try XCTUnwrap(mobile.first { $0["name"] as? String == "block_1_expand_relu" })
            XCTAssertEqual(expand["shape"] as? [Int], [112, 112, 48])
            XCTAssertEqual(expand["alias"] as? String, "block_1_conv1")
            let inbound = Dictionary(uniqueKeysWithValues: mobile.map { ($0["name"] as? String ?? "", $0["inbound"] as? [String] ?? []) })
            XCTAssertEqual(inbound["bn_Conv1"], ["Conv1"])
            XCTAssertEqual(inbound["block_2_add"], ["block_1_project_BN", "block_2_project_BN"])
            XCTAssertEqual(inbound["predictions"], ["global_average_pooling2d"])
        }
    }

    func testUnknownModelAndUnknownPathAreJSON404() async throws {
        let server = try ServerFixtures.server()
        try await server.application(host: "127.0.0.1", port: 0).test(.router) { client in
            let model = try await client.execute(uri: "/api/models/nope/layers", method: .get)
            XCTAssertEqual(model.status, .notFound)
            try model.assertErrorMessage(contains: "no model nope")
            let path = try await client.execute(uri: "/api/nothing/here", method: .get)
            XCTAssertEqual(path.status, .notFound)
            try path.assertErrorMessage(contains: "no such API path")
            let method = try await client.execute(uri: "/api/models", method: .delete)
            XCTAssertEqual(method.status, .notFound)
            try method.assertErrorMessage(contains: "no such API path: DELETE /api/models")
        }
    }
}
