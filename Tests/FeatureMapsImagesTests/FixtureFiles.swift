import FeatureMapsImages
import Foundation
import XCTest

/// Fixtures/images/codec, written by Scripts/make_image_fixtures.py (see Fixtures/README.md).
enum FixtureFiles {
    /// <package root>/Fixtures/images/codec, found from this file's path.
    static let codecDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // FeatureMapsImagesTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Fixtures/images/codec")

    static func path(_ name: String) -> String {
        codecDirectory.appendingPathComponent(name).path
    }

    /// Fixtures/images/hostile, written by Scripts/make_hostile_fixtures.py.
    static let hostileDirectory = codecDirectory.deletingLastPathComponent().appendingPathComponent("hostile")

    static func bytes(_ name: String, hostile: Bool = false) throws -> [UInt8] {
        let url = (hostile ? hostileDirectory : codecDirectory).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            let script = hostile ? "make_hostile_fixtures.py" : "make_image_fixtures.py"
            throw FixtureError("missing fixture \(url.path); run /work/venv-keras/bin/python Scripts/\(script)")
        }
        return [UInt8](data)
    }

    /// A uint8 (H, W, 3) .npy written by numpy.save, as an RGBImage.
    static func npyImage(_ name: String, hostile: Bool = false) throws -> RGBImage {
        let data = try bytes(name, hostile: hostile)
        guard data.count > 10, data.starts(with: [0x93] + Array("NUMPY".utf8)) else {
            throw FixtureError("\(name) is not a .npy file")
        }
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        guard header.contains("'descr': '|u1'"), header.contains("'fortran_order': False"),
            let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")")
        else { throw FixtureError("\(name): expected a C-order uint8 array, header \(header)") }
        let shape = header[open.upperBound..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard shape.count == 3, shape[2] == 3 else { throw FixtureError("\(name): shape \(shape) is not (H, W, 3)") }
        let pixels = Array(data[(10 + headerLength)...])
        guard pixels.count == shape[0] * shape[1] * 3 else { throw FixtureError("\(name): data size mismatch") }
        return RGBImage(width: shape[1], height: shape[0], pixels: pixels)
    }

    /// Scripts/make_image_fixtures.py `pattern(width, height)`, recomputed: R is a horizontal
    /// ramp, G a 4-pixel checkerboard, B a quadratic hash. Keep the two in step.
    static func pattern(width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8(x * 255 / max(width - 1, 1))
                pixels[i + 1] = UInt8(((x / 4 + y / 4) % 2) * 255)
                pixels[i + 2] = UInt8((x * x * 7 + y * y * 3 + x * y * 5) % 256)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Asserts equal sizes and |actual - expected| <= tolerance on every channel; on failure
/// names the first offending pixel. Returns the largest difference seen.
@discardableResult
func assertImagesClose(
    _ actual: RGBImage, _ expected: RGBImage, tolerance: Int, _ name: String,
    file: StaticString = #filePath, line: UInt = #line
) -> Int {
    guard actual.width == expected.width, actual.height == expected.height else {
        XCTFail(
            "\(name): size \(actual.width)x\(actual.height), expected \(expected.width)x\(expected.height)",
            file: file, line: line)
        return Int.max
    }
    var worst = 0
    var firstBad: Int?
    for i in 0..<actual.pixels.count {
        let d = abs(Int(actual.pixels[i]) - Int(expected.pixels[i]))
        worst = max(worst, d)
        if d > tolerance, firstBad == nil { firstBad = i }
    }
    if let i = firstBad {
        let pixel = i / 3
        XCTFail(
            "\(name): max difference \(worst) > \(tolerance); first at x=\(pixel % actual.width) "
                + "y=\(pixel / actual.width) c=\(i % 3): got \(actual.pixels[i]), expected \(expected.pixels[i])",
            file: file, line: line)
    }
    return worst
}
