@testable import FeatureMapsImages
import XCTest

/// EXIF orientation against Pillow's `ImageOps.exif_transpose(Image.open(p)).convert('RGB')`
/// (Fixtures/images/hostile, Scripts/make_hostile_fixtures.py), and malformed EXIF that must
/// mean "as stored", never a trap.
final class EXIFOrientationTests: XCTestCase {
    func testAllEightOrientationsMatchPillowsExifTranspose() throws {
        let upright = try ImageDecoder.decode(try FixtureFiles.bytes("orient_1.jpg", hostile: true))
        XCTAssertEqual([upright.width, upright.height], [24, 16])
        var seen: [[UInt8]] = []
        for n in 1...8 {
            let decoded = try ImageDecoder.decode(try FixtureFiles.bytes("orient_\(n).jpg", hostile: true), source: "orient_\(n)")
            let expected = try FixtureFiles.npyImage("orient_\(n).npy", hostile: true)
            XCTAssertEqual([decoded.width, decoded.height], n < 5 ? [24, 16] : [16, 24], "orientation \(n)")
            assertImagesClose(decoded, expected, tolerance: JPEGDecodingTests.tolerance, "orientation \(n)")
            seen.append(decoded.pixels)
        }
        XCTAssertEqual(Set(seen).count, 8, "the 8 orientations must give 8 different pictures")
    }

    func testMotorolaByteOrderAndXMPFallback() throws {
        for name in ["orient_6_bigendian", "orient_xmp_8"] {
            let decoded = try ImageDecoder.decode(try FixtureFiles.bytes(name + ".jpg", hostile: true), source: name)
            assertImagesClose(
                decoded, try FixtureFiles.npyImage(name + ".npy", hostile: true),
                tolerance: JPEGDecodingTests.tolerance, name)
        }
    }

    func testOddSizesDecode() throws {
        for (file, npy) in [
            ("one_by_one.png", "one_by_one.npy"), ("strip_3x1000.png", "strip_3x1000.npy"),
            ("strip_3x1000.jpg", "strip_3x1000_jpg.npy"),
        ] {
            let decoded = try ImageDecoder.decode(try FixtureFiles.bytes(file, hostile: true), source: file)
            assertImagesClose(decoded, try FixtureFiles.npyImage(npy, hostile: true), tolerance: 2, file)
        }
    }

    /// A TIFF block "II*\0", IFD0 at 8, with the given entries (tag, type, count, 4-byte field).
    private func tiff(_ entries: [(UInt16, UInt16, UInt32, [UInt8])], count: UInt16? = nil) -> [UInt8] {
        var b: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0]
        let n = count ?? UInt16(entries.count)
        b += [UInt8(n & 0xFF), UInt8(n >> 8)]
        for (tag, type, valueCount, field) in entries {
            b += [UInt8(tag & 0xFF), UInt8(tag >> 8), UInt8(type & 0xFF), UInt8(type >> 8)]
            b += [UInt8(valueCount & 0xFF), UInt8((valueCount >> 8) & 0xFF), UInt8((valueCount >> 16) & 0xFF), UInt8(valueCount >> 24)]
            b += field
        }
        return b
    }

    func testIFDEntriesAsPillowReadsThem() {
        let exif = EXIFOrientation.exifPrefix
        XCTAssertEqual(EXIFOrientation.orientation(inEXIF: exif + tiff([(0x0112, 3, 1, [6, 0, 0, 0])])), 6)
        XCTAssertEqual(EXIFOrientation.orientation(inEXIF: exif + exif + tiff([(0x0112, 3, 1, [3, 0, 0, 0])])), 3)
        XCTAssertEqual(EXIFOrientation.orientation(inEXIF: exif + tiff([(0x0112, 4, 1, [8, 0, 0, 0])])), 8)  // LONG
        XCTAssertEqual(EXIFOrientation.orientation(inEXIF: exif + tiff([(0x0112, 3, 2, [6, 0, 6, 0])])), nil)  // a tuple
        XCTAssertNil(EXIFOrientation.orientation(inEXIF: exif + tiff([(0x0112, 7, 1, [6, 0, 0, 0])])))  // UNDEFINED
        // Later entries replace earlier ones; unknown types are skipped.
        XCTAssertEqual(EXIFOrientation.orientation(inEXIF: exif + tiff([(0x0112, 3, 1, [2, 0, 0, 0]), (0x0112, 3, 1, [5, 0, 0, 0])])), 5)
        XCTAssertEqual(EXIFOrientation.orientation(inEXIF: exif + tiff([(0x0112, 3, 1, [2, 0, 0, 0]), (0x0112, 99, 1, [5, 0, 0, 0])])), 2)
        // RATIONAL 6/1 at offset 22 (just after this one-entry IFD): Pillow compares 6/1 == 6.
        let rational = tiff([(0x0112, 5, 1, [22, 0, 0, 0])]) + [6, 0, 0, 0, 1, 0, 0, 0]
        XCTAssertEqual(EXIFOrientation.orientation(inEXIF: exif + rational), 6)
    }

    func testMalformedEXIFMeansAsStored() {
        let exif = EXIFOrientation.exifPrefix
        let good = tiff([(0x0112, 3, 1, [6, 0, 0, 0])])
        let broken: [[UInt8]] = [
            [], exif, exif + [0x49, 0x49], exif + Array("XX*\0\u{8}\0\0\0".utf8),
            exif + [0x49, 0x49, 42, 0, 0xFF, 0xFF, 0xFF, 0xFF],  // IFD0 far outside
            exif + tiff([], count: 0xFFFF),  // 65535 entries announced, none there
            exif + Array(good.prefix(good.count - 3)),  // entry cut short
            exif + tiff([(0x0112, 5, 1, [0xF0, 0xFF, 0xFF, 0x7F])]),  // rational far outside
            exif + tiff([(0x0112, 5, 1, [22, 0, 0, 0])]) + [6, 0, 0, 0, 0, 0, 0, 0],  // 6/0
        ]
        for bytes in broken {
            XCTAssertNil(EXIFOrientation.orientation(inEXIF: bytes), "\(bytes)")
        }
    }

    func testSegmentWalkerSurvivesEveryPrefixAndFlip() throws {
        let bytes = try FixtureFiles.bytes("orient_6.jpg", hostile: true)
        for cut in 0...bytes.count {
            let prefix = Array(bytes.prefix(cut))
            _ = prefix.withUnsafeBufferPointer { EXIFOrientation.of(jpeg: $0) }
        }
        for at in 0..<min(bytes.count, 200) {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var flipped = bytes
                flipped[at] ^= mask
                let value = flipped.withUnsafeBufferPointer { EXIFOrientation.of(jpeg: $0) }
                XCTAssert(value >= Int(Int32.min) && value <= Int(UInt32.max))
            }
        }
        XCTAssertEqual(bytes.withUnsafeBufferPointer { EXIFOrientation.of(jpeg: $0) }, 6)
    }

    func testTransposeGeometry() {
        // 3x2 image whose pixel (x, y) has R = 10x + y: check each method's first row by hand.
        var pixels: [UInt8] = []
        for y in 0..<2 { for x in 0..<3 { pixels += [UInt8(10 * x + y), 0, 0] } }
        let image = RGBImage(width: 3, height: 2, pixels: pixels)
        func firstRow(_ t: Transpose) -> [UInt8] {
            let out = t.apply(image)
            return (0..<out.width).map { out.pixels[$0 * 3] }
        }
        XCTAssertEqual(firstRow(.flipLeftRight), [20, 10, 0])
        XCTAssertEqual(firstRow(.rotate180), [21, 11, 1])
        XCTAssertEqual(firstRow(.flipTopBottom), [1, 11, 21])
        XCTAssertEqual(firstRow(.transpose), [0, 1])
        XCTAssertEqual(firstRow(.rotate270), [1, 0])  // clockwise: bottom-left comes to the top-left
        XCTAssertEqual(firstRow(.transverse), [21, 20])
        XCTAssertEqual(firstRow(.rotate90), [20, 21])  // counter-clockwise: top-right to the top-left
        XCTAssertNil(Transpose(exifOrientation: 1))
        XCTAssertNil(Transpose(exifOrientation: 9))
    }
}
