import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Merge layers, keras.ops operations with constants on either side, and Concatenate: broadcasting
/// against an index-by-index reference, hand values, shape rules, module dispatch.
final class MergeAndOperationTests: XCTestCase {
    /// NumPy broadcasting written as a reference: each output index mapped back to each operand.
    func naiveBroadcast(_ a: NDArray, _ b: NDArray, _ op: (Float, Float) -> Float) -> NDArray {
        let shape = Shape.broadcast([a.shape, b.shape])!
        var out = NDArray(shape: shape)
        for flat in 0..<shape.count {
            var index = [Int](repeating: 0, count: shape.rank), rest = flat
            for k in stride(from: shape.rank - 1, through: 0, by: -1) {
                index[k] = rest % shape[k]
                rest /= shape[k]
            }
            func at(_ x: NDArray) -> Float {
                let idx = index.suffix(x.shape.rank).enumerated().map { k, i in x.shape[k] == 1 ? 0 : i }
                return x.data[zip(idx, x.shape.strides).map(*).reduce(0, +)]
            }
            out.data[flat] = op(at(a), at(b))
        }
        return out
    }

    func testMergeLayersBroadcast() throws {
        var rng = SplitMix64(seed: 51)
        let pairs: [(Shape, Shape)] = [
            ([4, 5, 3], [4, 5, 3]), ([4, 5, 3], [1, 1, 3]), ([1, 1, 3], [4, 5, 3]), ([4, 5, 3], [3]),
            ([2, 1, 3], [1, 4, 1]), ([6], [1]), ([], [2, 2]),
        ]
        for (sa, sb) in pairs {
            let a = NDArray(shape: sa, data: rng.floats(sa.count)), b = NDArray(shape: sb, data: rng.floats(sb.count))
            XCTAssertEqual(try runLayer(MergeLayer(.add), a, b), naiveBroadcast(a, b, +), "add \(sa) \(sb)")
            XCTAssertEqual(try runLayer(MergeLayer(.subtract), a, b), naiveBroadcast(a, b, -), "subtract \(sa) \(sb)")
            XCTAssertEqual(try runLayer(MergeLayer(.multiply), a, b), naiveBroadcast(a, b, *), "multiply \(sa) \(sb)")
            XCTAssertEqual(try runLayer(MergeLayer(.maximum), a, b), naiveBroadcast(a, b) { max($0, $1) }, "maximum \(sa) \(sb)")
            XCTAssertEqual(try runLayer(MergeLayer(.minimum), a, b), naiveBroadcast(a, b) { min($0, $1) }, "minimum \(sa) \(sb)")
        }
    }

    func testAverageAndThreeInputs() throws {
        let a = NDArray(shape: [2], data: [1, 2]), b = NDArray(shape: [2], data: [3, 4]), c = NDArray(shape: [1], data: [5])
        XCTAssertEqual(try runLayer(MergeLayer(.average), a, b, c).data, [3, 11.0 / 3])
        XCTAssertEqual(try runLayer(MergeLayer(.add), a, b, c).data, [9, 11])
        XCTAssertEqual(try runLayer(MergeLayer(.multiply), a, b, c).data, [15, 40])
        XCTAssertEqual(MergeLayer(.subtract).inputCount, 2...2)
        XCTAssertNotNil(shapeError(MergeLayer(.add), [4, 5, 3], [4, 5, 2]))
    }

    func testBinaryOperationsWithConstantsOnEitherSide() throws {
        let x = NDArray(shape: [2, 2], data: [0, 127.5, 255, 51])
        let c = { (v: Float) in NDArray(shape: [], data: [v]) }
        XCTAssertEqual(try runLayer(BinaryOperation(.trueDivide), x, c(127.5)).data, [0, 1, 2, 51 / 127.5])
        XCTAssertEqual(try runLayer(BinaryOperation(.subtract), c(1), x).data, [1, -126.5, -254, -50])
        XCTAssertEqual(try runLayer(BinaryOperation(.subtract), x, c(1)).data, [-1, 126.5, 254, 50])
        XCTAssertEqual(try runLayer(BinaryOperation(.divide), c(1), NDArray(shape: [2], data: [2, 4])).data, [0.5, 0.25])
        XCTAssertEqual(try runLayer(BinaryOperation(.power), NDArray(shape: [3], data: [2, 3, 4]), c(2)).data, [4, 9, 16])
        XCTAssertEqual(try runLayer(BinaryOperation(.maximum), x, c(100)).data, [100, 127.5, 255, 100])
        XCTAssertEqual(try runLayer(BinaryOperation(.minimum), c(100), x).data, [0, 100, 100, 51])
        let perChannel = NDArray(shape: [2], data: [10, 20])
        XCTAssertEqual(try runLayer(BinaryOperation(.multiply), perChannel, x).data, [0, 2550, 2550, 1020])
        XCTAssertEqual(try runLayer(UnaryOperation(kerasClassName: "Negative", .negative), x).data, [-0.0, -127.5, -255, -51])
        XCTAssertEqual(try runLayer(UnaryOperation(kerasClassName: "Sqrt", .sqrt), NDArray(shape: [2], data: [4, 9])).data, [2, 3])
        XCTAssertEqual(try runLayer(UnaryOperation(kerasClassName: "Square", .square), NDArray(shape: [2], data: [-3, 2])).data, [9, 4])
    }

    func testOperationsDispatchOnModule() throws {
        let op = try build("Add", #"{"name": "add"}"#, module: "keras.src.ops.numpy")
        XCTAssertTrue(op is BinaryOperation)
        XCTAssertTrue(try build("Add", "{}") is MergeLayer)
        let gelu = try build("Gelu", #"{"approximate": false}"#, module: "keras.src.ops.nn") as! UnaryOperation
        XCTAssertEqual(gelu.function, .activation(.gelu(approximate: false)))
        let geluDefault = try build("Gelu", "{}", module: "keras.src.ops.nn") as! UnaryOperation
        XCTAssertEqual(geluDefault.function, .activation(.gelu(approximate: true)), "ops.gelu's default is approximate")
        let model = KerasModelSpec(
            layers: [
                try spec("InputLayer", #"{"batch_shape": [null, 2]}"#, name: "input_layer"),
                try spec("Einsum", "{}", name: "einsum", module: "keras.src.ops.numpy"),
                try spec("Lambda", #"{"function": "..."}"#, name: "times_two"),
            ], inputs: [0], outputs: [2])
        assertThrows(
            .unsupportedLayers([
                UnsupportedLayer(name: "einsum", className: "keras.src.ops.numpy.Einsum"),
                UnsupportedLayer(name: "times_two", className: "Lambda"),
            ]),
            try KerasGraphBuilder.build(model))
    }

    func testConcatenate() throws {
        let a = NDArray(shape: [2, 2, 1], data: [1, 2, 3, 4]), b = NDArray(shape: [2, 2, 2], data: [5, 6, 7, 8, 9, 10, 11, 12])
        XCTAssertEqual(try runLayer(ConcatenateLayer(), a, b).data, [1, 5, 6, 2, 7, 8, 3, 9, 10, 4, 11, 12])
        let rows = try runLayer(ConcatenateLayer(axis: 1), a, NDArray(shape: [1, 2, 1], data: [0, -1]))
        XCTAssertEqual(rows.shape, [3, 2, 1])
        XCTAssertEqual(rows.data, [1, 2, 3, 4, 0, -1])
        let cols = try runLayer(ConcatenateLayer(axis: -2), a, a)
        XCTAssertEqual(cols.data, [1, 2, 1, 2, 3, 4, 3, 4])
        XCTAssertNotNil(shapeError(ConcatenateLayer(), [2, 2, 1], [2, 3, 1]))
        XCTAssertNotNil(shapeError(ConcatenateLayer(axis: 0), [2, 2, 1], [2, 2, 1]), "the batch axis")
        XCTAssertEqual((try build("Concatenate", #"{"axis": 3}"#) as! ConcatenateLayer).axis, 3)
    }
}
