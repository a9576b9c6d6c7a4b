import FeatureMaps
import FeatureMapsImages
import FeatureMapsServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// Paths of committed fixtures and of the real data in ../shared, and the servers the tests start.
enum ServerFixtures {
    /// The package root: Tests/FeatureMapsServerTests/ServerFixtures.swift -> ../..
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// MobileNetV2 0.35 with fixture weights (Fixtures/README.md): every route, quickly.
    static let fixtureWeights = path("Fixtures/weights/mobilenet_v2_0.35_224_fixture.h5")
    static let fixtureImage = path("Fixtures/images/fixture.png")
    /// A Sequential 28 x 28 x 1 CNN with 10 classes (Scripts/make_zoo.py).
    static let classroomModel = path("Fixtures/zoo/classroom_cnn.keras")

    /// Sessions are loaded once per process (the weights reader is a process of its own).
    nonisolated(unsafe) private static var sessions: [String: Session] = [:]
    private static let lock = NSLock()

    static func session(weights: String) throws -> Session {
        try cached(weights) { try Session.open(weightsFlag: weights, offline: true) }
    }

    static func session(model: String) throws -> Session {
        try cached(model) { try Session.open(modelPath: model, inputSize: nil, preprocessing: nil, labelsPath: nil) }
    }

    private static func cached(_ key: String, _ open: () throws -> Session) throws -> Session {
        lock.lock()
        defer { lock.unlock() }
        if let s = sessions[key] { return s }
        let s = try open()
        sessions[key] = s
        return s
    }

    /// The real ImageNet MobileNetV2 ($FEATUREMAPS_WEIGHTS, else ../shared/weights); skips the test when absent.
    static func realWeights() throws -> String {
        let candidates = [ProcessInfo.processInfo.environment["FEATUREMAPS_WEIGHTS"], path("../shared/weights/mobilenet_v2_1.0_224_dequantized.h5")]
        guard let p = candidates.compactMap({ $0 }).first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw XCTSkip("no real MobileNetV2 weights: set FEATUREMAPS_WEIGHTS or put them in ../shared/weights (a fresh clone has none)")
        }
        return p
    }

    static func sharedImage(_ name: String) throws -> String {
        let p = path("../shared/images/" + name)
        guard FileManager.default.fileExists(atPath: p) else { throw XCTSkip("\(p) is absent (../shared holds the real photos)") }
        return p
    }

    /// A server on the fixture MobileNetV2 (and, with `classroom`, the classroom CNN second).
    static func server(classroom: Bool = false, capacity: Int = ExplorerServer.defaultCapacity) throws -> ExplorerServer {
        let sessions = [try session(weights: fixtureWeights)] + (classroom ? [try session(model: classroomModel)] : [])
        return ExplorerServer(models: ServedModel.all(sessions), capacity: capacity)
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
}

/// What the tests read from answers.
extension TestResponse {
    /// The body as a JSON object; fails the test when it is not one.
    func json(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let data = Data(body.readableBytesView)
        let object = try JSONSerialization.jsonObject(with: data)
        return try XCTUnwrap(object as? [String: Any], "not a JSON object: \(String(decoding: data, as: UTF8.self))", file: file, line: line)
    }

    /// The message of an `{"error": "..."}` answer.
    func errorMessage(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let object = try json(file: file, line: line)
        XCTAssertEqual(object.count, 1, "an error answer holds only \"error\": \(object)", file: file, line: line)
        return try XCTUnwrap(object["error"] as? String, file: file, line: line)
    }

    var bytes: [UInt8] { Array(body.readableBytesView) }

    /// The body decoded as an image (PNG).
    func picture() throws -> RGBImage { try ImageDecoder.decode(bytes, source: "response") }
}

extension TestClientProtocol {
    /// POST /api/images with `bytes` as the body.
    func upload(_ bytes: [UInt8], query: String = "") async throws -> TestResponse {
        try await execute(uri: "/api/images" + query, method: .post, body: ByteBuffer(bytes: bytes))
    }

    /// Uploads `bytes` and returns the new image's id; fails the test unless the answer is 201.
    func uploadedID(_ bytes: [UInt8], query: String = "", file: StaticString = #filePath, line: UInt = #line) async throws -> String {
        let response = try await upload(bytes, query: query)
        XCTAssertEqual(response.status, .created, String(buffer: response.body), file: file, line: line)
        return try XCTUnwrap(try response.json()["id"] as? String, file: file, line: line)
    }
}

extension TestResponse {
    /// Fails the test unless this is an `{"error": "..."}` answer whose message contains `text`.
    func assertErrorMessage(contains text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let message = try errorMessage(file: file, line: line)
        XCTAssertTrue(message.contains(text), "\(message) does not contain \(text)", file: file, line: line)
    }
}

extension TestClientProtocol {
    /// Fails the test unless GET `uri` answers `status`.
    func expect(_ uri: String, _ status: HTTPResponse.Status, _ why: String = "", file: StaticString = #filePath, line: UInt = #line) async throws {
        let response = try await execute(uri: uri, method: .get)
        XCTAssertEqual(response.status, status, "GET \(uri): \(String(buffer: response.body)) \(why)", file: file, line: line)
    }
}
