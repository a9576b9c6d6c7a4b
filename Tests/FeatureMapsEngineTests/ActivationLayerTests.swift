import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Activation functions and the Activation, ReLU, LeakyReLU, ELU and Softmax layers: hand-computed
/// values (Keras's docstring examples where it has them), the formulas written out in Double, and
/// config parsing for Keras 3 and Keras 2 files.
final class ActivationLayerTests: XCTestCase {
    let xs: [Float] = [-10, -5, -3.5, -3, -1, -0.25, 0, 0.25, 1, 2.5, 3, 5, 6.5, 10]

    func values(_ a: Activation) -> [Float] { xs.map { a($0) } }

    func assertFunction(_ a: Activation, _ f: (Double) -> Double, tolerance: Double = 2e-6, file: StaticString = #filePath, line: UInt = #line) {
        for x in xs {
            let want = f(Double(x)), got = Double(a(x))
            XCTAssertLessThanOrEqual(abs(got - want), tolerance * max(1, abs(want)), "\(a) at \(x): \(got) vs \(want)", file: file, line: line)
        }
    }

    func testActivationFormulas() {
        func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
        assertFunction(.linear) { $0 }
        assertFunction(.relu) { max($0, 0) }
        assertFunction(.relu6) { min(max($0, 0), 6) }
        assertFunction(.sigmoid, sigmoid)
        assertFunction(.tanh) { Foundation.tanh($0) }
        assertFunction(.silu) { $0 * sigmoid($0) }
        assertFunction(.hardSigmoid(keras2: false)) { $0 <= -3 ? 0 : $0 >= 3 ? 1 : $0 / 6 + 0.5 }
        assertFunction(.hardSigmoid(keras2: true)) { min(max(0.2 * $0 + 0.5, 0), 1) }
        assertFunction(.hardSilu) { $0 < -3 ? 0 : $0 > 3 ? $0 : $0 * ($0 + 3) / 6 }  // Keras 3's docstring
        assertFunction(.gelu(approximate: false)) { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }
        assertFunction(.gelu(approximate: true)) { 0.5 * $0 * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * ($0 + 0.044715 * $0 * $0 * $0))) }
        assertFunction(.elu(alpha: 0.5)) { $0 > 0 ? $0 : 0.5 * (Foundation.exp($0) - 1) }
        assertFunction(.selu) { 1.0507009873554805 * ($0 > 0 ? $0 : 1.6732632423543772 * (Foundation.exp($0) - 1)) }
        assertFunction(.softplus) { Foundation.log(1 + Foundation.exp($0)) }
        assertFunction(.softsign) { $0 / (1 + abs($0)) }
        assertFunction(.exponential) { Foundation.exp($0) }
        assertFunction(.leakyReLU(slope: 0.2)) { $0 > 0 ? $0 : 0.2 * $0 }
        // Known values: gelu(1) = Phi(1) = 0.8413447; hard_sigmoid(1) is 4/6 in Keras 3, 0.7 in Keras 2.
        XCTAssertEqual(Activation.gelu(approximate: false)(1), 0.8413447, accuracy: 1e-6)
        XCTAssertEqual(Activation.hardSigmoid(keras2: false)(1), 4.0 / 6.0, accuracy: 1e-7)
        XCTAssertEqual(Activation.hardSigmoid(keras2: true)(1), 0.7, accuracy: 1e-7)
    }

    func testActivationNames() {
        XCTAssertEqual(Activation(kerasName: "swish"), .silu)
        XCTAssertEqual(Activation(kerasName: "hard_swish"), .hardSilu)
        XCTAssertEqual(Activation(kerasName: "hard_sigmoid", keras2: true), .hardSigmoid(keras2: true))
        XCTAssertEqual(Activation(kerasName: "gelu"), .gelu(approximate: false))
        XCTAssertEqual(Activation(kerasName: "leaky_relu"), .leakyReLU(slope: 0.2))
        XCTAssertNil(Activation(kerasName: "log_softmax"))
    }

    /// keras.activations.relu's docstring: x = [-10, -5, 0, 5, 10].
    func testReLULayerMatchesKerasExamples() throws {
        let x = NDArray(shape: [5], data: [-10, -5, 0, 5, 10])
        XCTAssertEqual(try runLayer(ReLULayer(), x).data, [0, 0, 0, 5, 10])
        XCTAssertEqual(try runLayer(ReLULayer(negativeSlope: 0.5), x).data, [-5, -2.5, 0, 5, 10])
        XCTAssertEqual(try runLayer(ReLULayer(maxValue: 5), x).data, [0, 0, 0, 5, 5])
        XCTAssertEqual(try runLayer(ReLULayer(threshold: 5), x).data, [0, 0, 0, 0, 10])
        // All three: x > 1 ? min(x, 4) : 0, minus 0.2 * max(1 - x, 0).
        let y = NDArray(shape: [6], data: [-2, 0.5, 1, 2, 4, 7])
        assertClose(
            try runLayer(ReLULayer(maxValue: 4, negativeSlope: 0.2, threshold: 1), y), NDArray(shape: [6], data: [-0.6, -0.1, 0, 2, 4, 4]),
            tolerance: 1e-7, "relu all")
        XCTAssertEqual(try runLayer(ReLULayer(maxValue: 6), y).data, [0, 0.5, 1, 2, 4, 6])
    }

    func testSoftmaxAlongAnAxis() throws {
        let x = NDArray(shape: [2, 3], data: [1, 2, 3, 1000, 1000, 1000])
        let last = try runLayer(SoftmaxLayer(), x)
        let e = [1, 2, 3].map { Foundation.exp(Double($0) - 3) }, s = e.reduce(0, +)
        assertClose(last, NDArray(shape: [2, 3], data: e.map { Float($0 / s) } + [1.0 / 3, 1.0 / 3, 1.0 / 3]), tolerance: 1e-6, "softmax -1")
        let first = try runLayer(SoftmaxLayer(axis: 1), NDArray(shape: [2, 2], data: [0, 1, 0, 3]))
        XCTAssertEqual(first.data[0], 0.5, accuracy: 1e-7)
        XCTAssertEqual(first.data[1], Float(1 / (1 + Foundation.exp(2.0))), accuracy: 1e-7, "softmax down the column (1, 3)")
        XCTAssertNotNil(shapeError(SoftmaxLayer(axis: 0), [3]), "the batch axis")
    }

    func testLayerConfigs() throws {
        let relu = try build("ReLU", #"{"max_value": 6.0, "negative_slope": 0.0, "threshold": 0.0}"#) as! ReLULayer
        XCTAssertEqual(relu.maxValue, 6)
        XCTAssertNil((try build("ReLU", #"{"max_value": null}"#) as! ReLULayer).maxValue)
        assertThrows(
            .invalidConfig(layer: "layer", className: "ReLU", key: "threshold", reason: "is -1.0, Keras requires it to be at least 0"),
            try build("ReLU", #"{"threshold": -1}"#))
        XCTAssertEqual((try build("LeakyReLU", #"{"negative_slope": 0.05}"#) as! LeakyReLULayer).negativeSlope, 0.05)
        XCTAssertEqual((try build("LeakyReLU", #"{"alpha": 0.1}"#, keras: 2) as! LeakyReLULayer).negativeSlope, 0.1)
        XCTAssertEqual((try build("LeakyReLU") as! LeakyReLULayer).negativeSlope, 0.3)
        XCTAssertEqual((try build("ELU") as! ELULayer).alpha, 1)
        XCTAssertEqual((try build("ELU", #"{"alpha": 0.5}"#) as! ELULayer).alpha, 0.5)
        XCTAssertEqual((try build("Softmax", #"{"axis": [2]}"#) as! SoftmaxLayer).axis, 2)
        assertThrows(
            .unsupportedConfig(layer: "layer", className: "Softmax", key: "axis", value: "[1, 2]"), try build("Softmax", #"{"axis": [1, 2]}"#))
        XCTAssertEqual(
            (try build("Activation", #"{"activation": "hard_sigmoid"}"#, keras: 2) as! ActivationLayer).activation, .hardSigmoid(keras2: true))
        XCTAssertEqual((try build("Activation", #"{"activation": "hard_sigmoid"}"#) as! ActivationLayer).activation, .hardSigmoid(keras2: false))
        XCTAssertEqual(
            (try build("Activation", #"{"activation": {"module": "keras.activations", "class_name": "function", "config": "swish"}}"#)
                as! ActivationLayer).activation, .silu)
        assertThrows(
            .unsupportedConfig(layer: "layer", className: "Activation", key: "activation", value: #""celu""#),
            try build("Activation", #"{"activation": "celu"}"#))
        assertThrows(.invalidConfig(layer: "layer", className: "Activation", key: "activation", reason: "is missing"), try build("Activation"))
    }

    func testActivationLayerWorksInPlaceOnAnyRank() throws {
        var rng = SplitMix64(seed: 31)
        let x = rng.array(2, 3, 4, 5)
        let out = try runLayer(ActivationLayer(.tanh), x)
        XCTAssertEqual(out.data, x.data.map { Foundation.tanh($0) })
        XCTAssertEqual(out.shape, [2, 3, 4, 5])
    }
}
