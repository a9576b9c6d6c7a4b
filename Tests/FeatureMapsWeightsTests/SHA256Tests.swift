import Foundation
import XCTest
import FeatureMapsWeights

final class SHA256Tests: XCTestCase {
    /// FIPS 180-4 examples (NIST CSRC "Example Algorithms", SHA256.pdf and SHA2_Additional.pdf).
    func testKnownVectors() {
        XCTAssertEqual(Digest.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Digest.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            Digest.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            Digest.hex(
                Array(
                    ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                        + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").utf8)),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        XCTAssertEqual(
            Digest.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Fed in awkward pieces (around the 64-byte block and the 56-byte padding boundary), the
    /// digest is the same as in one piece, and the same as coreutils' sha256sum of those bytes.
    func testPiecesAndPaddingBoundariesAgreeWithSha256sum() throws {
        var generator = SystemRandomNumberGenerator()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for length in [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4097] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let path = dir + "/\(length).bin"
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let expected = try sha256sum(path)
            XCTAssertEqual(Digest.hex(bytes), expected, "length \(length)")
            XCTAssertEqual(try Digest.hex(fileAt: path), expected, "length \(length), from the file")
            for piece in [1, 3, 63, 64, 65, 100] {
                var h = Digest.Running()
                for start in stride(from: 0, to: length, by: piece) { h.update(bytes[start..<min(start + piece, length)]) }
                XCTAssertEqual(h.hex(), expected, "length \(length) in pieces of \(piece)")
            }
        }
    }

    func testFixtureWeightsAgreeWithSha256sum() throws {
        let path =
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path + "/Fixtures/weights/mobilenet_v2_0.35_224_fixture.h5"
        XCTAssertEqual(try Digest.hex(fileAt: path), try sha256sum(path))
    }
}
