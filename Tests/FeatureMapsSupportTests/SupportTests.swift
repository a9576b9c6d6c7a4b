import XCTest
import FeatureMapsSupport

final class SupportTests: XCTestCase {
    func testControlCharactersBecomeEscapesAndTheRestIsKept() {
        XCTAssertEqual(escapingControlCharacters("a\nb\rc\td"), "a\\nb\\rc\\td")
        XCTAssertEqual(
            escapingControlCharacters("\u{1B}[31m\u{7F}\u{85}\u{2028}\u{2029}\0"),
            "\\u{1B}[31m\\u{7F}\\u{85}\\u{2028}\\u{2029}\\u{0}")
        XCTAssertEqual(escapingControlCharacters("café 猫 🐈 ~ \u{A0}"), "café 猫 🐈 ~ \u{A0}")
        XCTAssertFalse(
            escapingControlCharacters(String((0..<0x200).compactMap { Unicode.Scalar($0) }.map(Character.init)))
                .contains { $0.isNewline })
    }

    func testTheClockMovesForwardAndMeasuresASleep() {
        let a = MonotonicClock.nanoseconds()
        usleep(20_000)
        let b = MonotonicClock.nanoseconds()
        XCTAssertGreaterThanOrEqual(b - a, 20_000_000)
        XCTAssertLessThan(b - a, 5_000_000_000)
        XCTAssertEqual(MonotonicClock.seconds(), Double(MonotonicClock.nanoseconds()) / 1e9, accuracy: 0.5)
    }
}
