import Foundation
import XCTest
import FeatureMaps
import FeatureMapsImages

/// Snapshot comparison of rendered PNGs with Fixtures/golden/<name>.png, on decoded pixels:
/// at most `tolerance` levels of difference per colour channel (2 unless the caller says
/// otherwise). On failure the actual picture and a difference picture are written beside the
/// golden (<name>.actual.png, <name>.diff.png; ignored by git) and the worst pixels are named.
/// Goldens are recorded only on purpose, by `Scripts/record-goldens` (FEATUREMAPS_RECORD_GOLDENS=1);
/// never when CI=true.
enum Golden {
    static let directory = CLI.root + "/Fixtures/golden"
    static let tolerance = 2

    static func assertMatches(
        _ actualPath: String, golden name: String, tolerance: Int = Golden.tolerance,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let goldenPath = "\(directory)/\(name).png"
        let environment = ProcessInfo.processInfo.environment
        if environment["FEATUREMAPS_RECORD_GOLDENS"] == "1" {
            guard environment["CI"] != "true" else {
                return XCTFail("CI never records goldens: unset FEATUREMAPS_RECORD_GOLDENS", file: file, line: line)
            }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: goldenPath)
            try FileManager.default.copyItem(atPath: actualPath, toPath: goldenPath)
            print("recorded golden \(goldenPath)")
            return
        }
        guard FileManager.default.fileExists(atPath: goldenPath) else {
            return XCTFail("no golden \(goldenPath); record it on purpose with Scripts/record-goldens", file: file, line: line)
        }
        let actual = try ImageDecoder.decode(contentsOfFile: actualPath)
        let golden = try ImageDecoder.decode(contentsOfFile: goldenPath)
        let actualCopy = "\(directory)/\(name).actual.png", diffPath = "\(directory)/\(name).diff.png"
        try? FileManager.default.removeItem(atPath: actualCopy)
        try? FileManager.default.removeItem(atPath: diffPath)
        guard actual.width == golden.width, actual.height == golden.height else {
            try? FileManager.default.copyItem(atPath: actualPath, toPath: actualCopy)
            return XCTFail(
                "\(name): size \(actual.width)x\(actual.height), golden \(golden.width)x\(golden.height); "
                    + "actual written to \(actualCopy); re-record with Scripts/record-goldens if intended",
                file: file, line: line)
        }
        var bad: [(diff: Int, x: Int, y: Int)] = []
        var diffImage = RGBImage(width: golden.width, height: golden.height)
        for i in 0..<(golden.width * golden.height) {
            var d = 0
            for c in 0..<3 { d = max(d, abs(Int(actual.pixels[i * 3 + c]) - Int(golden.pixels[i * 3 + c]))) }
            let grey = UInt8(Int(golden.pixels[i * 3]) / 4 + 40)
            diffImage.pixels[i * 3] = d > tolerance ? 255 : grey
            diffImage.pixels[i * 3 + 1] = d > tolerance ? 0 : grey
            diffImage.pixels[i * 3 + 2] = d > tolerance ? 0 : grey
            if d > tolerance { bad.append((d, i % golden.width, i / golden.width)) }
        }
        guard !bad.isEmpty else { return }
        try? FileManager.default.copyItem(atPath: actualPath, toPath: actualCopy)
        try? PNGOutput.write(diffImage, to: diffPath, text: [])
        let worst = bad.sorted { $0.diff > $1.diff }.prefix(5).map { "(\($0.x), \($0.y)) by \($0.diff)" }
        XCTFail(
            "\(name): \(bad.count) pixels differ by more than \(tolerance) levels; worst: \(worst.joined(separator: ", ")); "
                + "actual: \(actualCopy), difference: \(diffPath); re-record with Scripts/record-goldens if intended",
            file: file, line: line)
    }
}
