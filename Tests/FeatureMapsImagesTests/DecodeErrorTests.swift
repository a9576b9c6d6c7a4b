import FeatureMapsImages
import XCTest

/// Bad input becomes a typed ImageError, never a crash, an exit() or output on stderr.
final class DecodeErrorTests: XCTestCase {
    func testEmptyData() {
        XCTAssertThrowsError(try ImageDecoder.decode([UInt8](), source: "empty.png")) { error in
            XCTAssertEqual(error as? ImageError, .emptyFile(source: "empty.png"))
        }
    }

    func testNonImageNamesItsFirstBytes() {
        let gif = Array("GIF89a".utf8) + [1, 0, 1, 0]
        XCTAssertThrowsError(try ImageDecoder.decode(gif, source: "anim.gif")) { error in
            XCTAssertEqual(error as? ImageError, .unsupportedFormat(source: "anim.gif", leadingBytes: Array(gif.prefix(8))))
            let message = (error as? ImageError)?.errorDescription ?? ""
            XCTAssertTrue(message.contains("not a JPEG or PNG (starts with 47 49 46 38 39 61 01 00 \"GIF89a..\")"), message)
        }
    }

    func testMissingFileAndDirectory() {
        XCTAssertThrowsError(try ImageDecoder.decode(contentsOfFile: "/nonexistent/cat.jpg")) { error in
            XCTAssertEqual(error as? ImageError, .readFailed(path: "/nonexistent/cat.jpg", reason: "No such file or directory"))
        }
        XCTAssertThrowsError(try ImageDecoder.decode(contentsOfFile: "/tmp")) { error in
            XCTAssertEqual(error as? ImageError, .readFailed(path: "/tmp", reason: "Is a directory"))
        }
    }

    func testTruncatedJPEG() throws {
        let bytes = try FixtureFiles.bytes("jpeg_rgb420.jpg")
        XCTAssertThrowsError(try ImageDecoder.decode(Array(bytes.prefix(bytes.count / 2)), source: "half.jpg")) { error in
            XCTAssertEqual(
                error as? ImageError,
                .truncatedData(source: "half.jpg", format: .jpeg, detail: "Premature end of JPEG file"))
        }
    }

    func testCorruptJPEGCarriesLibjpegMessage() throws {
        var bytes = try FixtureFiles.bytes("jpeg_rgb420.jpg")
        let sof = try XCTUnwrap((0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes[sof + 4] = 13  // sample precision: baseline JPEG is 8-bit
        XCTAssertThrowsError(try ImageDecoder.decode(bytes, source: "bad.jpg")) { error in
            XCTAssertEqual(
                error as? ImageError,
                .corruptData(source: "bad.jpg", format: .jpeg, detail: "Unsupported JPEG data precision 13"))
        }
    }

    func testTwoComponentJPEGIsUnsupported() {
        XCTAssertThrowsError(try ImageDecoder.decode(HandMade.jpegHeader(width: 8, height: 8, components: 2))) { error in
            guard case .unsupportedColorSpace(_, let detail)? = error as? ImageError else {
                return XCTFail("expected unsupportedColorSpace, got \(error)")
            }
            XCTAssertTrue(detail.contains("2 components"), detail)
        }
    }

    func testTruncatedPNG() throws {
        let bytes = try FixtureFiles.bytes("png_rgb8.png")
        for cut in [8, 20, bytes.count / 2, bytes.count - 13] {
            XCTAssertThrowsError(try ImageDecoder.decode(Array(bytes.prefix(cut)), source: "cut.png")) { error in
                guard case .truncatedData(_, .png, _)? = error as? ImageError else {
                    return XCTFail("cut at \(cut): expected truncatedData, got \(error)")
                }
            }
        }
    }

    func testCorruptPNGCarriesLibpngMessage() throws {
        var bytes = try FixtureFiles.bytes("png_rgb8.png")
        bytes[17] ^= 0x01  // inside IHDR's width: the CRC no longer matches
        XCTAssertThrowsError(try ImageDecoder.decode(bytes, source: "bad.png")) { error in
            XCTAssertEqual(error as? ImageError, .corruptData(source: "bad.png", format: .png, detail: "IHDR: CRC error"))
        }
    }

    /// 30000x30000 RGB would need 2.7 GB; the header alone must be refused.
    func testHugeHeadersAreRefusedBeforeAllocation() {
        let jpeg = HandMade.jpegHeader(width: 30000, height: 30000, components: 3)
        XCTAssertThrowsError(try ImageDecoder.decode(jpeg, source: "bomb.jpg")) { error in
            XCTAssertEqual(
                error as? ImageError,
                .tooManyPixels(
                    source: "bomb.jpg", width: 30000, height: 30000, limit: ImageDecoder.defaultMaxPixels))
        }
        let png = HandMade.pngHeader(width: 30000, height: 30000)
        XCTAssertThrowsError(try ImageDecoder.decode(png, maxPixels: 1_000_000, source: "bomb.png")) { error in
            XCTAssertEqual(
                error as? ImageError,
                .tooManyPixels(
                    source: "bomb.png", width: 30000, height: 30000, limit: 1_000_000))
            let message = (error as? ImageError)?.errorDescription ?? ""
            XCTAssertTrue(message.contains("30000x30000 is 900000000 pixels, more than the limit of 1000000"), message)
        }
    }

    /// Every prefix (step 7) and every 13th byte inverted, of every fixture: an image or an
    /// ImageError, nothing else.
    func testDamagedFixturesNeverCrash() throws {
        let names = PNGDecodingTests.fixtures.map { "\($0).png" } + JPEGDecodingTests.fixtures.map { "\($0).jpg" }
        var outcomes = (images: 0, errors: 0)
        for name in names {
            let bytes = try FixtureFiles.bytes(name)
            var variants = stride(from: 0, to: bytes.count, by: 7).map { Array(bytes.prefix($0)) }
            for at in stride(from: 2, to: bytes.count, by: 13) {
                var flipped = bytes
                flipped[at] ^= 0xFF
                variants.append(flipped)
            }
            for variant in variants {
                do {
                    _ = try ImageDecoder.decode(variant, maxPixels: 1_000_000, source: name)
                    outcomes.images += 1
                } catch is ImageError {
                    outcomes.errors += 1
                }
            }
        }
        print("damaged fixtures: \(outcomes.images) decoded, \(outcomes.errors) typed errors")
        XCTAssertGreaterThan(outcomes.errors, 0)
    }
}

/// Minimal files built byte by byte, for headers no encoder would write.
enum HandMade {
    /// SOI, SOF0 (8-bit, `components` components with ids 1..., 1x1 sampling), SOS over all
    /// of them, a few entropy bytes, EOI. No DQT/DHT: libjpeg reads a header without them.
    static func jpegHeader(width: Int, height: Int, components: Int) -> [UInt8] {
        var sof: [UInt8] = [
            0xFF, 0xC0, 0, UInt8(8 + 3 * components), 8,
            UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF),
            UInt8(components),
        ]
        var sos: [UInt8] = [0xFF, 0xDA, 0, UInt8(6 + 2 * components), UInt8(components)]
        for id in 1...components {
            sof += [UInt8(id), 0x11, 0]
            sos += [UInt8(id), 0x00]
        }
        sos += [0, 63, 0]
        return [0xFF, 0xD8] + sof + sos + [0x12, 0x34, 0x56, 0xFF, 0xD9]
    }

    /// Signature, IHDR (8-bit RGB), a small IDAT, IEND; all CRCs valid.
    static func pngHeader(width: Int, height: Int) -> [UInt8] {
        let ihdr = PNGChunks.bigEndianBytes(UInt32(width)) + PNGChunks.bigEndianBytes(UInt32(height)) + [8, 2, 0, 0, 0]
        return PNGChunks.signature + PNGChunks.chunk("IHDR", ihdr)
            + PNGChunks.chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + PNGChunks.chunk("IEND", [])
    }
}
