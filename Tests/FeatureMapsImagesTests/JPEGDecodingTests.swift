import FeatureMapsImages
import XCTest

/// JPEG variants against Pillow's `Image.open(p).convert('RGB')`.
/// Tolerance: 2 levels per channel. The system libjpeg-turbo (2.1) and the libjpeg-turbo
/// bundled with Pillow (3.x) may round the IDCT, upsampling and colour conversion differently;
/// on these fixtures the measured difference is printed, and it has been 0.
final class JPEGDecodingTests: XCTestCase {
    static let tolerance = 2
    static let fixtures = [
        "jpeg_rgb420",  // YCbCr, 4:2:0 chroma subsampling, odd size 37x23
        "jpeg_rgb444",  // YCbCr, no subsampling
        "jpeg_progressive",  // progressive scans
        "jpeg_gray",  // one component
        "jpeg_cmyk",  // Adobe (inverted) CMYK
        "jpeg_ycck",  // Adobe YCCK (transform 2)
    ]

    func testEveryJPEGVariantMatchesPillow() throws {
        for name in Self.fixtures {
            let decoded = try ImageDecoder.decode(try FixtureFiles.bytes("\(name).jpg"), source: name)
            let expected = try FixtureFiles.npyImage("\(name).npy")
            let worst = assertImagesClose(decoded, expected, tolerance: Self.tolerance, name)
            print("\(name): max |Swift - Pillow| = \(worst)")
        }
    }

    func testGreyscaleComesOutWithEqualChannels() throws {
        let image = try ImageDecoder.decode(try FixtureFiles.bytes("jpeg_gray.jpg"))
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            XCTAssertEqual(image.pixels[i], image.pixels[i + 1])
            XCTAssertEqual(image.pixels[i], image.pixels[i + 2])
        }
    }

    func testPixelLimitIsInclusive() throws {
        let bytes = try FixtureFiles.bytes("jpeg_rgb420.jpg")  // 37x23 = 851 pixels
        XCTAssertEqual(try ImageDecoder.decode(bytes, maxPixels: 851).width, 37)
        XCTAssertThrowsError(try ImageDecoder.decode(bytes, maxPixels: 850, source: "small.jpg")) { error in
            XCTAssertEqual(error as? ImageError, .tooManyPixels(source: "small.jpg", width: 37, height: 23, limit: 850))
        }
    }
}
