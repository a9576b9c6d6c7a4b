import XCTest
@testable import FeatureMapsEngine

/// Keras's 'same' and 'valid' arithmetic against TensorFlow's rule (GetWindowedOutputSizeVerbose in
/// tensorflow/core/framework/kernel_shape_util.cc), written here a second way: with real division
/// and by checking where the first and last windows fall.
final class WindowGeometryTests: XCTestCase {
    func testSamePaddingTableMatchesTensorFlowsRule() {
        for n in [1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 31, 224, 225] {
            for s in 1...3 {
                for k in 1...7 {
                    for d in 1...3 {
                        let w = AxisWindow(input: n, kernel: k, stride: s, dilation: d, padding: .same)!
                        let effective = Double((k - 1) * d + 1)
                        let out = Int((Double(n) / Double(s)).rounded(.up))
                        let total = max(0, Double(out - 1) * Double(s) + effective - Double(n))
                        let before = Int((total / 2).rounded(.down))
                        XCTAssertEqual(w.output, out, "out n \(n) s \(s) k \(k) d \(d)")
                        XCTAssertEqual(w.padBefore, before, "before n \(n) s \(s) k \(k) d \(d)")
                        XCTAssertEqual(w.padAfter, Int(total) - before, "after n \(n) s \(s) k \(k) d \(d)")
                        // The last window ends at the padded input's end (or inside the input when no padding is
                        // needed), the first starts at -before.
                        if total > 0 {
                            XCTAssertEqual(w.source(out - 1, k - 1), n - 1 + w.padAfter, "last tap n \(n) s \(s) k \(k) d \(d)")
                        } else {
                            XCTAssertLessThanOrEqual(w.source(out - 1, k - 1), n - 1)
                        }
                        XCTAssertEqual(w.source(0, 0), -before)
                        XCTAssertGreaterThanOrEqual(w.padAfter, w.padBefore, "the odd pixel goes after")
                    }
                }
            }
        }
    }

    func testValidPaddingTable() {
        for n in [1, 2, 5, 7, 16, 17] {
            for s in 1...3 {
                for k in 1...7 {
                    for d in 1...3 {
                        let span = (k - 1) * d + 1
                        let w = AxisWindow(input: n, kernel: k, stride: s, dilation: d, padding: .valid)
                        guard n >= span else {
                            XCTAssertNil(w, "kernel span \(span) > \(n) does not fit")
                            continue
                        }
                        XCTAssertEqual(w!.output, Int((Double(n - span + 1) / Double(s)).rounded(.up)), "valid n \(n) s \(s) k \(k) d \(d)")
                        XCTAssertEqual(w!.padBefore + w!.padAfter, 0)
                    }
                }
            }
        }
    }

    /// Known values: MobileNetV2's Conv1 on 224 (pad 0 before, 1 after), on 225 (1 and 1); a 7x7
    /// stride 2 on 64 (ResNet's conv1 in Keras pads explicitly, with 'same' it would be 2 and 3).
    func testKnownPaddings() {
        let a = AxisWindow(input: 224, kernel: 3, stride: 2, padding: .same)!
        XCTAssertEqual([a.output, a.padBefore, a.padAfter], [112, 0, 1])
        let b = AxisWindow(input: 225, kernel: 3, stride: 2, padding: .same)!
        XCTAssertEqual([b.output, b.padBefore, b.padAfter], [113, 1, 1])
        let c = AxisWindow(input: 64, kernel: 7, stride: 2, padding: .same)!
        XCTAssertEqual([c.output, c.padBefore, c.padAfter], [32, 2, 3])
        let d = AxisWindow(input: 5, kernel: 3, stride: 1, dilation: 2, padding: .same)!
        XCTAssertEqual([d.output, d.padBefore, d.padAfter], [5, 2, 2])
    }
}
