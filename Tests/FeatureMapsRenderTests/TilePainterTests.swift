@testable import FeatureMapsRender
import FeatureMapsEngine
import XCTest

final class TilePainterTests: XCTestCase {
    func testScaleFactorMakesTilesAtLeastMinimumWidth() {
        let cases: [(width: Int, factor: Int, tile: Int)] = [
            (7, 16, 112), (14, 8, 112), (28, 4, 112), (56, 2, 112), (112, 1, 112),
            (13, 9, 117), (1, 112, 112), (3, 38, 114), (113, 1, 113), (224, 1, 224),
        ]
        for (width, factor, tile) in cases {
            let f = TilePainter.scaleFactor(mapWidth: width, minTileWidth: 112)
            XCTAssertEqual(f, factor, "map width \(width)")
            XCTAssertEqual(width * f, tile, "map width \(width)")
        }
        XCTAssertEqual(TilePainter.scaleFactor(mapWidth: 5, minTileWidth: 1), 1)
    }

    /// Fast path vs reference twin over awkward shapes, factors, channels and offsets,
    /// including constant, negative, NaN and infinite values. Pixels must be identical.
    func testFastPaintMatchesReference() {
        let shapes = [(1, 1, 1), (2, 3, 5), (7, 7, 3), (13, 13, 4), (14, 14, 8), (5, 9, 2), (9, 4, 3)]
        for (h, w, c) in shapes {
            var map = TestTensors.make(h, w, c) { y, x, k in
                Float((y * 31 + x * 17 + k * 7) % 23) - 11 + (k == 1 ? 0.25 : 0)
            }
            if h * w > 2 {
                map[0, 0, c - 1] = .nan
                map[h - 1, w - 1, c - 1] = .infinity
            }
            let statistics = ChannelStatistics.of(map)
            for factor in [1, 2, 3, 9] {
                for channel in 0..<c {
                    let range = ValueRange(statistics[channel])
                    let (x, y) = (3 + channel % 2, 5)
                    var fast = Canvas(width: w * factor + 9, height: h * factor + 11, background: RGB(grey: 200))
                    var reference = fast
                    TilePainter.paint(map, channel: channel, range: range, factor: factor, into: &fast, x: x, y: y)
                    TilePainter.paintReference(
                        map, channel: channel, range: range, factor: factor,
                        into: &reference, x: x, y: y)
                    if fast.pixels != reference.pixels {
                        let i = fast.pixels.indices.first { fast.pixels[$0] != reference.pixels[$0] }!
                        XCTFail(
                            "shape \(h)x\(w)x\(c) channel \(channel) factor \(factor): first difference at"
                                + " pixel (\(i / 3 % fast.width), \(i / 3 / fast.width))")
                    }
                }
            }
        }
    }

    func testPaintUpscalesNearestNeighbour() {
        let map = Tensor(height: 1, width: 2, channels: 1, data: [0, 1])
        var canvas = Canvas(width: 6, height: 3, background: RGB(grey: 0))
        TilePainter.paint(map, channel: 0, range: ValueRange(low: 0, high: 1), factor: 3, into: &canvas, x: 0, y: 0)
        let low = Viridis.rgb(atIndex: 0), high = Viridis.rgb(atIndex: 255)
        for y in 0..<3 {
            XCTAssertEqual((0..<6).map { canvas.pixel(x: $0, y: y) }, [low, low, low, high, high, high])
        }
    }
}
