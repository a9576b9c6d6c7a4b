@testable import FeatureMapsRender
import XCTest

final class ValueFormatTests: XCTestCase {
    func testShortForms() {
        let cases: [(Float, String)] = [
            (0, "0"), (-0.0, "0"), (1, "1"), (0.5, "0.5"), (3.771, "3.77"), (-2.891, "-2.89"),
            (6, "6"), (123.4, "123"), (1000, "1000"), (5000, "5000"), (12345, "12345"),
            (0.00182, "0.00182"), (0.001, "0.001"), (0.000182, "1.82e-4"), (1e-5, "1e-5"),
            (100_000, "1e5"), (-1_500_000, "-1.5e6"), (.nan, "nan"), (.infinity, "inf"), (-.infinity, "-inf"),
        ]
        for (value, text) in cases {
            XCTAssertEqual(ValueFormat.format(value), text, "format(\(value))")
        }
    }

    func testPairsGainDigitsUntilTheyDiffer() {
        XCTAssertEqual(ValueFormat.formatPair(0, 1).low, "0")
        let narrow = ValueFormat.formatPair(100.01, 100.02)
        XCTAssertNotEqual(narrow.low, narrow.high)
        XCTAssertEqual(narrow.low, "100.01")
        let same = ValueFormat.formatPair(2.5, 2.5)
        XCTAssertEqual(same.low, "2.5")
        XCTAssertEqual(same.high, "2.5")
    }

    func testPercent() {
        XCTAssertEqual(ValueFormat.percent(0.778), "77.8%")
        XCTAssertEqual(ValueFormat.percent(1), "100.0%")
        XCTAssertEqual(ValueFormat.percent(.nan), "?%")
    }
}
