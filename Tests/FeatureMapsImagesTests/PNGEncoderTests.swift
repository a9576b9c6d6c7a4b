import FeatureMapsImages
import XCTest

final class PNGEncoderTests: XCTestCase {
    func testRoundTripIsLossless() throws {
        for (width, height) in [(1, 1), (37, 23), (300, 2)] {
            let image = FixtureFiles.pattern(width: width, height: height)
            let encoded = try PNGEncoder.encode(image)
            XCTAssertEqual(try ImageDecoder.decode(encoded), image, "\(width)x\(height)")
        }
    }

    func testTextChunksPrecedeImageDataInOrder() throws {
        let image = FixtureFiles.pattern(width: 5, height: 4)
        let text = [
            (key: "Software", value: "featuremaps"), (key: "layer", value: "block_1_expand_relu"),
            (key: "Comment", value: "caf\u{E9} \u{2014} \u{1F600}"),
        ]
        let bytes = try PNGEncoder.encode(image, text: text)
        let chunks = try XCTUnwrap(PNGChunks.parse(bytes), "chunk layout or CRC broken")
        XCTAssertEqual(chunks.map(\.type), ["IHDR", "tEXt", "tEXt", "iTXt", "IDAT", "IEND"])
        XCTAssertEqual(chunks[1].data, Array("Software\0featuremaps".utf8))
        XCTAssertEqual(chunks[2].data, Array("layer\0block_1_expand_relu".utf8))
        // iTXt: key NUL, compression flag 0, method 0, empty language NUL, empty translated key NUL, UTF-8 text.
        XCTAssertEqual(chunks[3].data, Array("Comment".utf8) + [0, 0, 0, 0, 0] + Array("caf\u{E9} \u{2014} \u{1F600}".utf8))
        XCTAssertEqual(chunks[0].data, PNGChunks.bigEndianBytes(5) + PNGChunks.bigEndianBytes(4) + [8, 2, 0, 0, 0])
        XCTAssertEqual(try ImageDecoder.decode(bytes), image)
    }

    func testSameInputGivesSameBytes() throws {
        let image = FixtureFiles.pattern(width: 64, height: 48)
        let text = [(key: "Title", value: "grid")]
        XCTAssertEqual(try PNGEncoder.encode(image, text: text), try PNGEncoder.encode(image, text: text))
    }

    func testLatin1KeyIsWrittenAsLatin1() throws {
        let bytes = try PNGEncoder.encode(RGBImage(width: 1, height: 1), text: [(key: "Gr\u{F6}\u{DF}e", value: "1")])
        let chunk = try XCTUnwrap(PNGChunks.parse(bytes)?.first { $0.type == "tEXt" })
        XCTAssertEqual(chunk.data, [0x47, 0x72, 0xF6, 0xDF, 0x65, 0, 0x31])
    }

    func testInvalidKeysAndValuesAreRejected() {
        let image = RGBImage(width: 1, height: 1)
        let badKeys = ["", " lead", "trail ", "dou  ble", String(repeating: "k", count: 80), "tab\there", "emoji\u{1F600}"]
        for key in badKeys {
            XCTAssertThrowsError(try PNGEncoder.encode(image, text: [(key: key, value: "v")])) { error in
                XCTAssertEqual(error as? ImageError, .invalidTextKey(key))
            }
        }
        XCTAssertNoThrow(try PNGEncoder.encode(image, text: [(key: String(repeating: "k", count: 79), value: "")]))
        XCTAssertThrowsError(try PNGEncoder.encode(image, text: [(key: "k", value: "a\0b")])) { error in
            XCTAssertEqual(error as? ImageError, .invalidTextValue(key: "k"))
        }
    }
}
