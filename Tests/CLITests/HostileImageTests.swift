import FeatureMaps
import Foundation
import XCTest

/// Damaged, odd and unusual images through the built binary: status, the one stderr line per bad
/// input, and the files left. Status 65 when every input is bad, 2 when some are (README, "Exit status").
final class HostileImageTests: XCTestCase {
    /// Each bad image alone: 65, nothing on stdout, one line naming the file and the problem.
    func testBadImagesEachGetOneLineAndStatus65() throws {
        let dir = try CLI.temporaryDirectory(self)
        let png = try Hostile.bytes(Hostile.image)
        var crcBroken = png
        let idat = try XCTUnwrap(Hostile.pngChunk("IDAT", in: png))
        let idatLength = Int(png[idat]) << 24 | Int(png[idat + 1]) << 16 | Int(png[idat + 2]) << 8 | Int(png[idat + 3])
        crcBroken[idat + 8 + idatLength] ^= 0x55  // the stored CRC itself, data intact
        var header = png
        header[16 + 3] ^= 0x10  // IHDR width; CRC no longer matches
        var inflateBroken = png
        for i in 0..<64 { inflateBroken[idat + 8 + 2 + i] ^= 0xA5 }  // deflate stream damaged, CRC fixed
        Hostile.fixCRC(&inflateBroken, chunkAt: idat)
        var jpegHeader = try Hostile.bytes(Hostile.codec("jpeg_rgb420.jpg"))
        let sof = try XCTUnwrap((0..<(jpegHeader.count - 1)).first { jpegHeader[$0] == 0xFF && jpegHeader[$0 + 1] == 0xC0 })
        jpegHeader[sof + 4] = 13  // sample precision 13: not baseline
        let cases: [(name: String, bytes: [UInt8], says: String)] = [
            ("empty.jpg", [], "the file is empty"),
            ("notes.jpg", Array("shopping list: milk, eggs\n".utf8), "not a JPEG or PNG (starts with 73 68 6F 70"),
            ("photo.heic.jpg", [0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0], "not a JPEG or PNG"),
            ("crc.png", crcBroken, "IDAT: CRC error"),
            ("header.png", header, "IHDR: CRC error"),
            ("inflate.png", inflateBroken, "corrupt PNG data"),
            ("precision.jpg", jpegHeader, "Unsupported JPEG data precision 13"),
            (
                "bomb.png", HandMadeImages.png(width: 30000, height: 30000),
                "30000x30000 is 900000000 pixels, more than the limit of 178956970"
            ),
            (
                "bomb.jpg", HandMadeImages.jpeg(width: 30000, height: 30000),
                "30000x30000 is 900000000 pixels, more than the limit of 178956970"
            ),
        ]
        for c in cases {
            let path = Hostile.write(c.bytes, c.name, in: dir)
            let out = dir + "/out-" + c.name
            let r = try Hostile.run(["render", "--weights", Hostile.weights, "--layers", "Conv1", "--out", out, path])
            XCTAssertEqual(r.status, 65, "\(c.name): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", c.name)
            let line = Hostile.assertFailureLines(r, count: 1, naming: [path]).first ?? ""
            XCTAssert(line.contains(c.says), "\(c.name): \(line)")
            XCTAssertEqual(Hostile.files(in: out), [], "\(c.name) left files")
        }
    }

    /// 30000 x 30000 x 3 bytes = 2.7 GB: under a 1.5 GB address-space limit the refusal still
    /// says "pixels", not "out of memory", so nothing image-sized was allocated first.
    func testPixelLimitIsCheckedBeforeAllocating() throws {
        let dir = try CLI.temporaryDirectory(self)
        for (name, bytes) in [
            ("bomb.png", HandMadeImages.png(width: 30000, height: 30000)),
            ("bomb.jpg", HandMadeImages.jpeg(width: 30000, height: 30000)),
        ] {
            let path = Hostile.write(bytes, name, in: dir)
            let r = try Hostile.run(["classify", "--weights", Hostile.weights, path], memoryKB: 1_500_000)
            XCTAssertEqual(r.status, 65, r.stderr)
            let line = Hostile.assertFailureLines(r, count: 1, naming: [path]).first ?? ""
            XCTAssert(line.contains("more than the limit of 178956970") && !line.contains("memory"), line)
        }
        let control = try Hostile.run(["classify", "--weights", Hostile.weights, Hostile.image], memoryKB: 1_500_000)
        XCTAssertEqual(control.status, 0, "the limit must leave room for a normal run: \(control.stderr)")
    }

    /// Ten cut points of a JPEG and of a PNG: every cut is refused, one line each, no .npy left.
    func testTruncatedAtTenCutPoints() throws {
        let dir = try CLI.temporaryDirectory(self)
        var paths: [String] = []
        for source in [Hostile.codec("jpeg_progressive.jpg"), Hostile.codec("jpeg_rgb420.jpg"), Hostile.image] {
            let bytes = try Hostile.bytes(source)
            let ext = (source as NSString).pathExtension
            for i in 1...10 {
                let cut = bytes.count * i / 11
                paths.append(Hostile.write(Array(bytes.prefix(cut)), "cut\(i)_\((source as NSString).lastPathComponent).\(ext)", in: dir))
            }
        }
        let out = dir + "/out"
        let r = try Hostile.run(["extract", "--weights", Hostile.weights, "--layers", "Conv1", "--out", out] + paths)
        XCTAssertEqual(r.status, 65, r.stderr)
        let lines = Hostile.assertFailureLines(r, count: paths.count, naming: paths)
        for line in lines { XCTAssert(line.contains("truncated") || line.contains("corrupt"), line) }
        XCTAssertEqual(Hostile.files(in: out), [])
    }

    /// Flipped bytes anywhere (headers, tables, compressed data): each input ends in an image or
    /// in one line; with one good image among them the status is 2 (or 0 if all decode).
    func testFlippedBytesGiveAResultOrOneLine() throws {
        let dir = try CLI.temporaryDirectory(self)
        var paths: [String] = []
        for source in [Hostile.codec("jpeg_rgb444.jpg"), Hostile.codec("png_rgb8.png")] {
            let bytes = try Hostile.bytes(source)
            for at in stride(from: 2, to: bytes.count, by: max(1, bytes.count / 12)) {
                var flipped = bytes
                flipped[at] ^= 0xFF
                paths.append(Hostile.write(flipped, "flip\(at)_" + (source as NSString).lastPathComponent, in: dir))
            }
        }
        let r = try Hostile.run(["classify", "--top", "1", "--weights", Hostile.weights] + paths + [Hostile.image])
        let failed = Hostile.assertFailureLines(r, count: r.stderr.split(separator: "\n").count, naming: [])
        let printed = r.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map(String.init)
        XCTAssertEqual(printed.count + failed.count, paths.count + 1, "every input is either classified or reported")
        XCTAssert(printed.contains(Hostile.image))
        XCTAssertEqual(r.status, failed.isEmpty ? 0 : 2, r.stderr)
        XCTAssertGreaterThan(failed.count, 0, "some flips must be caught (CRC, markers)")
        for line in failed { XCTAssert(paths.contains { line.contains($0) }, line) }
    }

    func testDirectoryMissingAndUnreadable() throws {
        let dir = try Hostile.nobodyDirectory(self)
        let secret = dir + "/secret.png"
        try FileManager.default.copyItem(atPath: Hostile.image, toPath: secret)
        chmod(secret, 0o000)
        let weights = dir + "/w.h5"
        try FileManager.default.copyItem(atPath: Hostile.weights, toPath: weights)
        chmod(weights, 0o644)
        let missing = dir + "/no such photo.jpg"
        let r = try Hostile.run(["classify", "--weights", weights, dir, missing, secret], asNobody: dir)
        XCTAssertEqual(r.status, 65, r.stderr)
        let lines = Hostile.assertFailureLines(r, count: 3, naming: [dir, missing, secret])
        XCTAssert(lines[0].contains("Is a directory"), lines[0])
        XCTAssert(lines[1].contains("No such file or directory"), lines[1])
        XCTAssert(lines[2].contains("Permission denied"), lines[2])
        // The same file is fine for root: the refusal above came from the permissions.
        XCTAssertEqual(try Hostile.run(["classify", "--weights", weights, secret]).status, 0)
    }

    /// Everything a student's folder may hold, decoded by content: one run, status 0, each
    /// image classified. (Pixel-exactness against Pillow is FeatureMapsImagesTests' job.)
    func testEveryImageKindWorks() throws {
        let dir = try CLI.temporaryDirectory(self)
        let pngNamedJPG = dir + "/actually a png.jpg"
        try FileManager.default.copyItem(atPath: Hostile.image, toPath: pngNamedJPG)
        let kinds = [
            "jpeg_gray.jpg", "jpeg_cmyk.jpg", "jpeg_ycck.jpg", "jpeg_progressive.jpg", "png_i16.png",
            "png_rgb16.png", "png_rgba16.png", "png_p4.png", "png_p8_trns.png", "png_la8.png",
            "png_rgba8.png", "png_rgb8_adam7.png", "png_la16_adam7.png", "png_l1.png",
        ].map(Hostile.codec)
        let odd = ["one_by_one.png", "strip_3x1000.png", "strip_3x1000.jpg", "orient_6.jpg", "orient_xmp_8.jpg"].map(Hostile.hostile)
        let inputs = kinds + odd + [pngNamedJPG]
        let r = try Hostile.run(["classify", "--top", "2", "--weights", Hostile.weights] + inputs)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let headers = r.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map(String.init)
        XCTAssertEqual(headers, inputs)
        // Decoded by content: the PNG named .jpg classifies exactly like the PNG.
        let a = try Hostile.run(["classify", "--json", "--weights", Hostile.weights, Hostile.image])
        let b = try Hostile.run(["classify", "--json", "--weights", Hostile.weights, pngNamedJPG])
        XCTAssertEqual(
            a.stdout.replacingOccurrences(of: Hostile.image, with: "X"),
            b.stdout.replacingOccurrences(of: pngNamedJPG, with: "X"))
    }

    /// The network sees the photo upright: orient_6.jpg (stored on its side, EXIF orientation 6)
    /// gives the activations of Pillow's exif_transpose of it (orient_6_upright.png), within JPEG
    /// decoder differences; the same picture without rotation (orient_1.jpg) does not.
    func testEXIFRotationReachesTheNetwork() throws {
        let dir = try CLI.temporaryDirectory(self)
        let names = ["orient_6.jpg", "orient_6_upright.png", "orient_1.jpg"]
        let r = try Hostile.run(
            ["extract", "--weights", Hostile.weights, "--layers", "Conv1", "--out", dir]
                + names.map(Hostile.hostile))
        XCTAssertEqual(r.status, 0, r.stderr)
        let maps = try ["orient_6", "orient_6_upright", "orient_1"].map {
            try NPY.decodeFloat32(Hostile.bytes(dir + "/\($0)_Conv1.npy")).values
        }
        func maxDifference(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? .infinity }
        let scale = maps[1].map(abs).max() ?? 1
        XCTAssertLessThan(maxDifference(maps[0], maps[1]), 0.05 * scale, "orientation 6 not applied like Pillow")
        XCTAssertGreaterThan(maxDifference(maps[2], maps[1]), 0.3 * scale, "the control must differ")
    }
}

/// Headers built byte by byte (valid structure, absurd sizes).
enum HandMadeImages {
    /// Signature, IHDR (8-bit RGB) with a valid CRC, a tiny IDAT, IEND.
    static func png(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be(UInt32(data.count)) + body + be(Hostile.crc32(body[...]))
        }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", be(width) + be(height) + [8, 2, 0, 0, 0])
            + chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", [])
    }

    /// SOI, SOF0 (8-bit, 3 components), SOS, a few bytes, EOI.
    static func jpeg(width: Int, height: Int) -> [UInt8] {
        var sof: [UInt8] = [0xFF, 0xC0, 0, 17, 8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 3]
        var sos: [UInt8] = [0xFF, 0xDA, 0, 12, 3]
        for id in 1...3 {
            sof += [UInt8(id), 0x11, 0]
            sos += [UInt8(id), 0x00]
        }
        sos += [0, 63, 0]
        return [0xFF, 0xD8] + sof + sos + [0x12, 0x34, 0x56, 0xFF, 0xD9]
    }
}
