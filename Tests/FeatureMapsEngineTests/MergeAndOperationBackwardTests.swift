import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Backward rows of the merge layers, Concatenate and the binary keras.ops against finite
/// differences (GradientCheck): broadcasting (a stretched operand sums its gradient), operands of
/// lower rank, constants (no gradient asked), and TensorFlow's choice at ties pinned: Maximum and
/// Minimum give all of it to the first operand attaining the extremum.
final class MergeAndOperationBackwardTests: XCTestCase {
    /// Shape lists that broadcast: equal; squeeze-excite (H, W, C) * (1, 1, C); a vector; a scalar
    /// of lower rank; three inputs stretched along different axes.
    static let shapeSets: [[[Int]]] = [
        [[3, 5, 17], [3, 5, 17]], [[4, 3, 3], [1, 1, 3]], [[2, 5, 1], [5, 3]], [[3, 5], []], [[1, 4, 3], [2, 1, 3], [2, 4, 1]],
    ]

    func arrays(_ shapes: [[Int]], _ rng: inout SplitMix64, distinct: Bool = false) -> [NDArray] {
        // Distinct values across all inputs, so maxima are never within a step of a tie.
        guard distinct else { return shapes.map { rng.array($0, avoiding: [0], margin: 0.1) } }
        let all = rng.distinct([shapes.map { Shape($0).count }.reduce(0, +)])
        var offset = 0
        return shapes.map { s in
            let n = Shape(s).count
            defer { offset += n }
            return NDArray(shape: Shape(s), data: Array(all.data[offset..<(offset + n)]))
        }
    }

    func testMergeLayers() {
        var rng = SplitMix64(seed: 301)
        for kind in MergeLayer.Kind.allCases {
            for shapes in Self.shapeSets where kind != .subtract || shapes.count == 2 {
                let xs = arrays(shapes, &rng, distinct: kind == .maximum || kind == .minimum)
                GradientCheck.check(MergeLayer(kind), xs, "\(kind.rawValue) \(shapes)", rng: &rng)
            }
        }
    }

    func testBinaryOperations() {
        var rng = SplitMix64(seed: 302)
        for kind in BinaryOperation.Kind.allCases {
            for shapes in Self.shapeSets where shapes.count == 2 {
                var xs = arrays(shapes, &rng, distinct: kind == .maximum || kind == .minimum)
                if kind == .power {  // a > 0 (TensorFlow's log(a) gradient), b modest
                    xs[0] = NDArray(shape: xs[0].shape, data: xs[0].data.map { abs($0) + 0.5 })
                }
                if kind == .trueDivide || kind == .divide {  // |b| >= 0.5
                    xs[1] = NDArray(shape: xs[1].shape, data: xs[1].data.map { $0 < 0 ? $0 - 0.5 : $0 + 0.5 })
                }
                GradientCheck.check(BinaryOperation(kind), xs, "ops.\(kind.rawValue) \(shapes)", rng: &rng)
            }
        }
    }

    /// `x - 127.5` style: the driver asks for no gradient of a constant; the layer then returns nil.
    func testConstantOperandGetsNoGradient() {
        let x = NDArray(shape: [2, 2, 1], data: [1, 2, 3, 4]), c = NDArray(shape: [], data: [127.5])
        let g = NDArray(shape: [2, 2, 1], data: [1, -1, 2, 0.5])
        let args = BackwardArguments(inputShapes: [x.shape, c.shape], inputs: [x, c], output: nil, outputGradient: g, wanted: [true, false])
        let r = BinaryOperation(.trueDivide).backward(args, .reference)
        XCTAssertNil(r[1])
        XCTAssertEqual(r[0]?.data, g.data.map { $0 / 127.5 })
    }

    /// tf.maximum's gradient sends a tie to its first operand; a left fold of three inputs therefore
    /// gives it to the first input attaining the maximum. Same for minimum.
    func testTiesGoToTheFirstOperand() {
        let a = NDArray(shape: [3], data: [1, 2, 5]), b = NDArray(shape: [3], data: [1, 3, 5]), c = NDArray(shape: [3], data: [0, 3, 5])
        let g = NDArray(shape: [3], repeating: 1)
        let max3 = MergeLayer(.maximum).backward(inputs: [a, b, c], outputGradient: g)
        XCTAssertEqual(max3.map(\.data), [[1, 0, 1], [0, 1, 0], [0, 0, 0]])
        let min3 = MergeLayer(.minimum).backward(inputs: [a, b, c], outputGradient: g)
        XCTAssertEqual(min3.map(\.data), [[0, 1, 1], [0, 0, 0], [1, 0, 0]])
        let op = BinaryOperation(.maximum).backward(inputs: [a, b], outputGradient: g)
        XCTAssertEqual(op.map(\.data), [[1, 0, 1], [0, 1, 0]])
    }

    func testConcatenate() {
        var rng = SplitMix64(seed: 303)
        for (shapes, axis) in [
            ([[3, 5, 1], [3, 5, 17], [3, 5, 3]], -1), ([[2, 3, 4], [5, 3, 4]], 1), ([[2, 1, 3], [2, 4, 3]], 2), ([[3], [17]], -1),
        ] as [([[Int]], Int)] {
            GradientCheck.check(ConcatenateLayer(axis: axis), shapes.map { rng.array($0) }, "Concatenate \(shapes) axis \(axis)", rng: &rng)
        }
    }
}
