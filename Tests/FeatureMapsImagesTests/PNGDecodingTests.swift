import FeatureMapsImages
import Foundation
import XCTest

/// Every PNG colour type, bit depth and interlacing against Pillow's
/// `Image.open(p).convert('RGB')` (the .npy next to each fixture). PNG decoding is exact.
final class PNGDecodingTests: XCTestCase {
    static let fixtures = [
        "png_rgb8",  // RGB 8-bit
        "png_rgba8",  // RGBA 8-bit, alpha dropped (including fully transparent pixels)
        "png_l8",  // greyscale 8-bit
        "png_la8",  // grey + alpha 8-bit
        "png_l1",  // greyscale 1-bit (Pillow mode "1")
        "png_p8_trns",  // palette with a tRNS alpha table
        "png_p4",  // 4-bit palette
        "png_rgb8_trns",  // RGB with a tRNS colour key
        "png_i16",  // greyscale 16-bit: Pillow clamps to 255
        "png_rgb16",  // RGB 16-bit: high byte
        "png_rgba16",  // RGBA 16-bit
        "png_la16_adam7",  // grey + alpha 16-bit, Adam7 interlaced
        "png_rgb8_adam7",  // RGB 8-bit, Adam7 interlaced
        "png_rgb8_gama",  // gAMA 1.0, ignored as Pillow ignores it
    ]

    func testEveryPNGVariantMatchesPillowExactly() throws {
        for name in Self.fixtures {
            let decoded = try ImageDecoder.decode(try FixtureFiles.bytes("\(name).png"), source: name)
            let expected = try FixtureFiles.npyImage("\(name).npy")
            assertImagesClose(decoded, expected, tolerance: 0, name)
        }
    }

    func testSixteenBitGreyIsClampedNotScaled() throws {
        // Rows 10+ hold values below 256, which Pillow keeps as they are; rows 0-9 go above.
        let image = try ImageDecoder.decode(try FixtureFiles.bytes("png_i16.png"))
        let row10 = (0..<5).map { image.pixels[(10 * image.width + $0) * 3] }
        XCTAssertEqual(row10, [30, 37, 44, 51, 58])
        XCTAssertTrue(image.pixels.contains(255))
    }

    func testFilePathAndDataEntryPointsAgree() throws {
        let bytes = try FixtureFiles.bytes("png_rgb8.png")
        let fromBytes = try ImageDecoder.decode(bytes)
        XCTAssertEqual(try ImageDecoder.decode(Data(bytes)), fromBytes)
        XCTAssertEqual(try ImageDecoder.decode(contentsOfFile: FixtureFiles.path("png_rgb8.png")), fromBytes)
    }

    func testFormatIsSniffedFromContentNotName() throws {
        let misnamed = FileManager.default.temporaryDirectory
            .appendingPathComponent("featuremaps-images-\(getpid())-really-a-png.jpg")
        try Data(try FixtureFiles.bytes("png_rgb8.png")).write(to: misnamed)
        defer { try? FileManager.default.removeItem(at: misnamed) }
        let decoded = try ImageDecoder.decode(contentsOfFile: misnamed.path)
        XCTAssertEqual(decoded, try FixtureFiles.npyImage("png_rgb8.npy"))
        XCTAssertEqual(ImageFormat(sniffing: try FixtureFiles.bytes("png_rgb8.png")), .png)
        XCTAssertEqual(ImageFormat(sniffing: try FixtureFiles.bytes("jpeg_gray.jpg")), .jpeg)
        XCTAssertNil(ImageFormat(sniffing: [0x89, 0x50, 0x4E, 0x47]))
    }
}
