import FeatureMapsServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// Requests a careless or hostile client sends: each gets a JSON error with its status, and the
/// server answers normally afterwards.
final class HostileRequestTests: XCTestCase {
    /// Runs `body` against a live server, then checks the server still lists its models.
    func withServer(_ body: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let server = try ServerFixtures.server()
        try await server.application(host: "127.0.0.1", port: 0).test(.live) { client in
            try await body(client)
            let after = try await client.execute(uri: "/api/models", method: .get)
            XCTAssertEqual(after.status, .ok, "the server no longer answers after the hostile requests")
        }
    }

    static func assertError(
        _ response: TestResponse, _ status: HTTPResponse.Status, containing text: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        XCTAssertEqual(response.status, status, String(buffer: response.body), file: file, line: line)
        XCTAssertEqual(response.headers[.contentType], "application/json; charset=utf-8", file: file, line: line)
        let message = try response.errorMessage(file: file, line: line)
        XCTAssertTrue(message.contains(text), "\(message) does not contain \(text)", file: file, line: line)
        XCTAssertFalse(message.contains("\n"), "an error is one line: \(message)", file: file, line: line)
    }

    func testUploadsThatAreNoImageAreRefused() async throws {
        let png = try ServerFixtures.bytes(ServerFixtures.fixtureImage)
        try await withServer { client in
            try Self.assertError(try await client.upload(Array("GIF89a, or just text".utf8)), .unsupportedMediaType, containing: "not a JPEG or PNG")
            try Self.assertError(try await client.upload([]), .badRequest, containing: "empty")
            let truncated = try await client.upload(Array(png.prefix(png.count / 2)))
            XCTAssertTrue([.unprocessableContent, .unsupportedMediaType].contains(truncated.status), "\(truncated.status)")
            try truncated.assertErrorMessage(contains: "upload")
        }
    }

    func testATruncatedJPEGIsRefused() async throws {
        let jpeg = try ServerFixtures.bytes(ServerFixtures.path("Fixtures/images/hostile/orient_1.jpg"))
        try await withServer { client in
            try Self.assertError(try await client.upload(Array(jpeg.prefix(jpeg.count * 2 / 3))), .unprocessableContent, containing: "truncated")
        }
    }

    /// A 100000 x 100000 PNG header (10^10 pixels) with no pixel data: refused before any allocation.
    func testAPixelBombIsRefusedFromItsHeader() async throws {
        try await withServer { client in
            let png = Self.pngHeader(width: 100_000, height: 100_000)
            XCTAssertLessThan(png.count, 100)
            try Self.assertError(try await client.upload(png), .contentTooLarge, containing: "100000x100000 is 10000000000 pixels")
            try Self.assertError(
                try await client.upload(Self.jpegHeader(width: 60_000, height: 60_000)), .contentTooLarge, containing: "60000x60000")
        }
    }

    func testA21MegabyteBodyIsRefused() async throws {
        let server = try ServerFixtures.server()
        let body = [UInt8](repeating: 0xFF, count: 21 << 20)
        try await server.application(host: "127.0.0.1", port: 0).test(.ahc(.http)) { client in
            try Self.assertError(try await client.upload(body), .contentTooLarge, containing: "20 MB")
            try await client.expect("/api/models", .ok)
        }
    }

    func testUnknownIdsLayersAndChannelsAre404() async throws {
        let png = try ServerFixtures.bytes(ServerFixtures.fixtureImage)
        try await withServer { client in
            try Self.assertError(
                try await client.execute(uri: "/api/images/0123456789abcdef0123456789abcdef/layers/Conv1/grid.png", method: .get), .notFound,
                containing: "no image 0123456789abcdef0123456789abcdef")
            try Self.assertError(
                try await client.execute(uri: "/api/images/../../etc/passwd", method: .get), .notFound, containing: "no such API path")
            let id = try await client.uploadedID(png)
            for layer in ["..%2F..%2Fetc%2Fpasswd", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "..%252F..%252Fetc%252Fpasswd", "%2Fetc%2Fpasswd", "Conv1%00"] {
                try Self.assertError(
                    try await client.execute(uri: "/api/images/\(id)/layers/\(layer)/grid.png", method: .get), .notFound, containing: "layer")
            }
            let raw = try await client.execute(uri: "/api/images/\(id)/layers/../../etc/passwd/grid.png", method: .get)
            XCTAssertEqual(raw.status, .notFound)
            try Self.assertError(
                try await client.execute(uri: "/api/images/\(id)/explain.png?layer=../../etc/passwd", method: .get), .notFound, containing: "layer")
            try Self.assertError(
                try await client.execute(uri: "/api/images/\(id)/explain.png?layer=..%2F..%2Fetc%2Fpasswd", method: .get), .notFound,
                containing: "layer")
            for channel in ["48", "48.png", "48.npy", "999999"] {
                try Self.assertError(
                    try await client.execute(uri: "/api/images/\(id)/layers/block_1_expand_relu/channels/\(channel)", method: .get), .notFound,
                    containing: "channel")
            }
            for channel in ["-1", "1e3", "3.gif", "%2E%2E"] {
                try Self.assertError(
                    try await client.execute(uri: "/api/images/\(id)/layers/block_1_expand_relu/channels/\(channel)", method: .get), .notFound,
                    containing: "not a channel number")
            }
            try Self.assertError(try await client.upload(png, query: "?photo=../../etc/passwd"), .notFound, containing: "no photo")
            try Self.assertError(
                try await client.execute(uri: "/api/examples/..%2F..%2Fetc%2Fpasswd.json", method: .get), .notFound,
                containing: "no top-images result")
        }
    }

    func testBadQueryValuesAre400AndUnknownClassesAre404() async throws {
        let png = try ServerFixtures.bytes(ServerFixtures.fixtureImage)
        try await withServer { client in
            let id = try await client.uploadedID(png)
            let grid = "/api/images/\(id)/layers/Conv1/grid.png"
            try Self.assertError(try await client.execute(uri: grid + "?select=best", method: .get), .badRequest, containing: "first or strongest")
            try Self.assertError(try await client.execute(uri: grid + "?channels=0", method: .get), .badRequest, containing: "channels=0")
            try Self.assertError(
                try await client.execute(uri: grid + "?channels=99999999999999999999", method: .get), .badRequest, containing: "channels")
            try Self.assertError(try await client.execute(uri: grid + "?normalize=global", method: .get), .badRequest, containing: "channel or layer")
            try Self.assertError(try await client.execute(uri: grid + "?list=3-1", method: .get), .badRequest, containing: "backwards")
            let explain = "/api/images/\(id)/explain.png"
            try Self.assertError(
                try await client.execute(uri: explain + "?method=both", method: .get), .badRequest, containing: "gradcam or saliency")
            try Self.assertError(try await client.execute(uri: explain + "?class=1000", method: .get), .notFound, containing: "1000")
            try Self.assertError(try await client.execute(uri: explain + "?class=unicorn", method: .get), .notFound, containing: "unicorn")
            try Self.assertError(
                try await client.execute(uri: explain + "?layer=predictions", method: .get), .unprocessableContent, containing: "predictions")
        }
    }

    /// 100 uploads at once over several connections (AsyncHTTPClient's pool), to the classroom CNN
    /// (28 x 28: the debug build's forward pass is quick there): every one answered 201 with its own
    /// id, then the server still works.
    func test100ParallelUploadsAreAllAnswered() async throws {
        let server = ExplorerServer(models: ServedModel.all([try ServerFixtures.session(model: ServerFixtures.classroomModel)]))
        let png = try ServerFixtures.bytes(ServerFixtures.fixtureImage)
        try await server.application(host: "127.0.0.1", port: 0).test(.ahc(.http)) { client in
            let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        let r = try await client.upload(png)
                        return (r.status, try? r.json()["id"] as? String)
                    }
                }
                return try await group.reduce(into: [(HTTPResponse.Status, String?)]()) { $0.append($1) }
            }
            XCTAssertEqual(answers.count, 100)
            XCTAssertEqual(answers.filter { $0.0 == .created }.count, 100, "\(answers.map(\.0))")
            XCTAssertEqual(Set(answers.compactMap(\.1)).count, 100, "ids repeat")
            let id = try await client.uploadedID(png)
            try await client.expect("/api/images/\(id)/layers/conv2d/grid.png", .ok)
        }
    }

    /// A PNG (8-bit RGB) whose IHDR claims `width` x `height`, with one empty IDAT: 57 bytes.
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be(UInt32(data.count)) + body + be(crc32(body))
        }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", be(width) + be(height) + [8, 2, 0, 0, 0])
            + chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", [])
    }

    /// A baseline JPEG whose SOF0 claims `width` x `height` (3 components), a few bytes of scan.
    static func jpegHeader(width: Int, height: Int) -> [UInt8] {
        var sof: [UInt8] = [0xFF, 0xC0, 0, 17, 8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 3]
        var sos: [UInt8] = [0xFF, 0xDA, 0, 12, 3]
        for id in 1...3 {
            sof += [UInt8(id), 0x11, 0]
            sos += [UInt8(id), 0x00]
        }
        return [0xFF, 0xD8] + sof + sos + [0, 63, 0, 0x12, 0x34, 0x56, 0xFF, 0xD9]
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }
}
