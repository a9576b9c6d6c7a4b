@testable import FeatureMapsRender
import XCTest

final class NormalizationTests: XCTestCase {
    func testMapsRangeOntoUnitInterval() {
        let range = ValueRange(low: -2, high: 6)
        XCTAssertEqual(range.unit(-2), 0)
        XCTAssertEqual(range.unit(2), 0.5)
        XCTAssertEqual(range.unit(6), 1)
        XCTAssertEqual(range.unit(-4), -0.25)  // outside: the colormap clips it
        XCTAssertEqual(range.colorIndex(6), 255)
        XCTAssertEqual(range.colorIndex(-4), 0)
    }

    func testNegativeRange() {
        let range = ValueRange(low: -3, high: -1)
        XCTAssertFalse(range.isDegenerate)
        XCTAssertEqual(range.unit(-3), 0)
        XCTAssertEqual(range.unit(-2), 0.5)
        XCTAssertEqual(range.colorIndex(-1), 255)
    }

    func testConstantChannelGetsLowestColourWithoutDividing() {
        let map = TestTensors.constants(4, 4, [3.5])
        let s = ChannelStatistics.of(map)[0]
        XCTAssertTrue(s.isConstant)
        let range = ValueRange(s)
        XCTAssertTrue(range.isDegenerate)
        XCTAssertEqual(range.unit(3.5), 0)
        XCTAssertEqual(range.unit(100), 0)
        XCTAssertEqual(range.colorIndex(3.5), 0)
    }

    func testNonFiniteValuesAndRangesGiveLowestColour() {
        let range = ValueRange(low: 0, high: 1)
        XCTAssertEqual(range.unit(.nan), 0)
        XCTAssertEqual(range.unit(.infinity), 0)
        XCTAssertEqual(range.unit(-.infinity), 0)
        XCTAssertEqual(ValueRange(low: 0, high: .infinity).unit(1), 0)
        XCTAssertEqual(ValueRange(low: .nan, high: 1).unit(1), 0)
        XCTAssertEqual(ValueRange(low: 2, high: 1).unit(1.5), 0)  // inverted counts as degenerate
    }

    func testExtremeFloatRangeDoesNotOverflow() {
        let range = ValueRange(low: -Float.greatestFiniteMagnitude, high: Float.greatestFiniteMagnitude)
        XCTAssertEqual(range.unit(0), 0.5)
        XCTAssertEqual(range.colorIndex(Float.greatestFiniteMagnitude), 255)
    }

    func testLayerRangeSpansShownChannelsAndSkipsEmptyOnes() {
        let stats = [
            ChannelStatistics(min: -1, max: 2, mean: 0, finiteCount: 4),
            ChannelStatistics(min: 0, max: 0, mean: 0, finiteCount: 0),  // all NaN
            ChannelStatistics(min: 0.5, max: 7, mean: 3, finiteCount: 4),
        ]
        XCTAssertEqual(ValueRange(spanning: stats), ValueRange(low: -1, high: 7))
        XCTAssertEqual(ValueRange(spanning: [stats[1]]), ValueRange(low: 0, high: 0))
        XCTAssertEqual(ValueRange(spanning: []), ValueRange(low: 0, high: 0))
    }

    func testRawValuesAreTheCommandSpelling() {
        XCTAssertEqual(Normalization(rawValue: "channel"), .channel)
        XCTAssertEqual(Normalization(rawValue: "layer"), .layer)
        XCTAssertEqual(Normalization.allCases.count, 2)
    }
}
