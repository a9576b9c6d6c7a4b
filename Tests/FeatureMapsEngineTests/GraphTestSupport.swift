import XCTest
@testable import FeatureMapsEngine
import TestSupport

// Helpers of the generic graph's tests: random arrays, weights, a closeness check that names the
// worst element, and one-call layer runs.

extension SplitMix64 {
    mutating func array(_ dims: Int..., scale: Float = 1) -> NDArray {
        let s = Shape(dims)
        return NDArray(shape: s, data: floats(s.count, scale: scale))
    }

    mutating func weight(_ dims: Int..., scale: Float = 1) -> WeightArray {
        WeightArray(shape: dims, values: floats(dims.reduce(1, *), scale: scale))
    }
}

/// Asserts equal shapes and max |actual - expected| <= tolerance * max(1, max |expected|), naming
/// the worst flat index. 1e-5 relative: float32 against a Double reference, or two summation orders.
func assertClose(
    _ actual: NDArray, _ expected: NDArray, tolerance: Float = 1e-5, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.shape, expected.shape, "\(what): shape", file: file, line: line)
    guard actual.shape == expected.shape else { return }
    let scale = max(1, expected.data.map(abs).max() ?? 0)
    var worst = (diff: Float(0), index: 0)
    for i in expected.data.indices {
        let d = abs(actual.data[i] - expected.data[i])
        if !(d <= worst.diff) { worst = (d, i) }
    }
    XCTAssertLessThanOrEqual(
        worst.diff, tolerance * scale,
        "\(what): worst |diff| \(worst.diff) at flat index \(worst.index): "
            + "\(actual.data.isEmpty ? 0 : actual.data[worst.index]) vs \(expected.data.isEmpty ? 0 : expected.data[worst.index])",
        file: file, line: line)
}

/// The layer's output for these inputs, after checking its shape rule accepts them (reference kernels).
func runLayer(_ layer: any GraphLayer, _ inputs: NDArray..., kernels: KernelChoice = .reference, threads: Int = 1) throws -> NDArray {
    let expected = try layer.outputShape(inputs: inputs.map(\.shape))
    let out = layer.forward(inputs, ExecutionContext(threads: threads, kernels: kernels))
    XCTAssertEqual(out.shape, expected, "\(layer.kerasClassName) output shape")
    return out
}

/// A Keras 3 layer call with the config given as JSON text (decoded as a reader would).
func spec(
    _ className: String, _ json: String = "{}", weights: [WeightArray] = [], name: String = "layer",
    module: String? = "keras.layers", keras: Int = 3
) throws -> KerasLayerSpec {
    let config = try JSONDecoder().decode([String: KerasConfigValue].self, from: Data(json.utf8))
    return KerasLayerSpec(
        name: name, className: className, module: module, config: config, weights: weights, inputs: className == "InputLayer" ? [] : [.output(of: 0)],
        kerasMajorVersion: keras)
}

/// The layer Keras's builder makes of that call.
func build(
    _ className: String, _ json: String = "{}", weights: [WeightArray] = [], module: String? = "keras.layers",
    keras: Int = 3
) throws -> any GraphLayer {
    try KerasGraphBuilder.layer(spec(className, json, weights: weights, module: module, keras: keras))
}

/// Asserts that `body` throws exactly `expected`.
func assertThrows<T>(_ expected: GraphError, _ body: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected \(expected)", file: file, line: line)
    } catch let e as GraphError {
        XCTAssertEqual(e, expected, file: file, line: line)
    } catch {
        XCTFail("unexpected \(error)", file: file, line: line)
    }
}

/// The shape error a layer raises for these input shapes, or nil when it accepts them.
func shapeError(_ layer: any GraphLayer, _ shapes: Shape...) -> String? {
    do {
        _ = try layer.outputShape(inputs: shapes)
        return nil
    } catch let e as LayerShapeError {
        return e.reason
    } catch {
        return "\(error)"
    }
}
