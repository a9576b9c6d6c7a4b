@testable import FeatureMapsRender
import XCTest

final class FontTests: XCTestCase {
    private let printable = (32...126).map { Character(UnicodeScalar(UInt8($0))) }

    private func bitmap(_ c: Character) -> [UInt8] { Array(Font.rows(of: c)) }

    func testEveryPrintableGlyphHasInkExceptSpace() {
        for c in printable {
            let ink = bitmap(c).contains { $0 != 0 }
            XCTAssertEqual(ink, c != " ", "glyph '\(c)'")
        }
    }

    func testGlyphsStayInsideTheirFiveColumns() {
        for c in printable {
            XCTAssertTrue(bitmap(c).allSatisfy { $0 < 32 }, "glyph '\(c)' uses more than 5 columns")
        }
    }

    func testAllGlyphsAreDistinct() {
        var seen: [[UInt8]: Character] = [:]
        for c in printable {
            if let other = seen[bitmap(c)] { XCTFail("'\(c)' and '\(other)' look the same") }
            seen[bitmap(c)] = c
        }
    }

    func testLookalikesDifferInSeveralPixels() {
        let pairs: [(Character, Character)] = [
            ("0", "O"), ("0", "o"), ("O", "o"), ("1", "l"), ("1", "I"), ("l", "I"), ("l", "|"), ("i", "l"),
            ("5", "S"), ("2", "Z"), ("8", "B"), ("6", "b"), ("9", "g"), ("9", "q"), ("g", "q"), (",", "."),
            (":", ";"), ("-", "_"), ("u", "v"), ("n", "h"), ("c", "e"),
        ]
        for (a, b) in pairs {
            let differing = zip(bitmap(a), bitmap(b)).map { ($0 ^ $1).nonzeroBitCount }.reduce(0, +)
            XCTAssertGreaterThanOrEqual(differing, 2, "'\(a)' and '\(b)' differ in only \(differing) pixels")
        }
    }

    func testDescendersUseTheBottomRowsOnly() {
        for c in printable where !"gjpqy,_|".contains(c) {
            XCTAssertEqual(bitmap(c)[7...8].reduce(0, |), 0, "glyph '\(c)' reaches below the baseline")
        }
        for c in "gjpqy" { XCTAssertNotEqual(bitmap(c)[7], 0, "glyph '\(c)' has no descender") }
    }

    func testNonASCIIDrawsAsQuestionMark() {
        XCTAssertEqual(bitmap("é"), bitmap("?"))
        XCTAssertEqual(bitmap("\u{7}"), bitmap("?"))
    }

    func testMetricsAndFitting() {
        XCTAssertEqual(Font.width(of: ""), 0)
        XCTAssertEqual(Font.width(of: "a"), 5)
        XCTAssertEqual(Font.width(of: "abc"), 17)
        XCTAssertEqual(Font.width(of: "abc", scale: 2), 34)
        XCTAssertEqual(Font.height(scale: 2), 18)
        XCTAssertEqual(Font.fit("short", maxWidth: 100), "short")
        let cut = Font.fit("block_16_project_BN", maxWidth: 60)
        XCTAssertEqual(cut, "block_16..")
        XCTAssertLessThanOrEqual(Font.width(of: cut), 60)
        XCTAssertEqual(Font.fit("abcdef", maxWidth: 4), "")
    }

    func testScaledTextFillsBlocks() {
        var canvas = Canvas(width: 20, height: 20, background: RGB(grey: 255))
        canvas.drawText("|", x: 0, y: 0, scale: 2, color: RGB(grey: 0))
        // '|' is column 2 of glyph rows 0-7: pixels x 4...5, y 0..<16 at scale 2.
        for y in 0..<16 {
            XCTAssertEqual((0..<8).map { canvas.pixel(x: $0, y: y).r }, [255, 255, 255, 255, 0, 0, 255, 255])
        }
        XCTAssertEqual(canvas.pixel(x: 4, y: 16).r, 255)
    }
}
