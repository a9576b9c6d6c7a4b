import FeatureMapsRender
import XCTest

/// Expected colours are literals read from matplotlib 3.11.2, NOT from ViridisTable.swift:
///     import matplotlib
///     v = matplotlib.colormaps["viridis"]
///     v(i, bytes=True)   # for the indices below
///     v(t, bytes=True)   # for the floats below
/// matplotlib converts its float table with uint8(x * 255), i.e. it truncates: index 128 is
/// (0.127568, 0.566949, 0.550556) * 255 = (32.5, 144.6, 140.4) -> (32, 144, 140), and index 1
/// is (68.47, 2.45, 85.53) -> (68, 2, 85), where rounding would give (33, 145, 140) and (68, 2, 86).
final class ViridisTests: XCTestCase {
    private let matplotlibBytes: [(index: Int, rgb: [UInt8])] = [
        (0, [68, 1, 84]),
        (1, [68, 2, 85]),
        (32, [71, 44, 123]),
        (64, [58, 82, 139]),
        (100, [42, 118, 142]),
        (127, [32, 143, 140]),
        (128, [32, 144, 140]),
        (180, [69, 191, 111]),
        (200, [112, 206, 86]),
        (254, [250, 230, 34]),
        (255, [253, 231, 36]),
    ]

    func testTableMatchesMatplotlibBytes() {
        XCTAssertEqual(Viridis.count, 256)
        for (index, rgb) in matplotlibBytes {
            let c = Viridis.color(atIndex: index)
            XCTAssertEqual([c.r, c.g, c.b], rgb, "viridis index \(index)")
        }
    }

    func testFloatsIndexLikeMatplotlib() {
        // v(t, bytes=True) in matplotlib 3.11.2 gives these colours for these floats.
        let cases: [(t: Double, rgb: [UInt8])] = [
            (0.0, [68, 1, 84]),
            (0.00390625, [68, 2, 85]),  // 1/256 -> index 1
            (0.25, [58, 82, 139]),
            (0.4999, [32, 143, 140]),  // int(127.97) = 127
            (0.5, [32, 144, 140]),
            (0.75, [94, 201, 97]),
            (0.999, [253, 231, 36]),
            (1.0, [253, 231, 36]),  // exactly 1 maps to the last entry
            (-0.1, [68, 1, 84]),  // under -> first entry
            (1.5, [253, 231, 36]),  // over -> last entry
        ]
        for (t, rgb) in cases {
            let c = Viridis.color(unit: t)
            XCTAssertEqual([c.r, c.g, c.b], rgb, "viridis(\(t))")
        }
    }

    func testIndexTruncatesAndClamps() {
        XCTAssertEqual(Viridis.index(unit: 0), 0)
        XCTAssertEqual(Viridis.index(unit: 0.0039), 0)
        XCTAssertEqual(Viridis.index(unit: 0.4999), 127)
        XCTAssertEqual(Viridis.index(unit: 0.5), 128)
        XCTAssertEqual(Viridis.index(unit: 1), 255)
        XCTAssertEqual(Viridis.index(unit: -5), 0)
        XCTAssertEqual(Viridis.index(unit: 7), 255)
        XCTAssertEqual(Viridis.index(unit: .nan), 0)
        XCTAssertEqual(Viridis.index(unit: .infinity), 255)
        XCTAssertEqual(Viridis.index(unit: -.infinity), 0)
    }
}
