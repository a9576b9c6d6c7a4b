import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// BatchNormalization, Rescaling, Normalization: formulas against hand-computed values and a Double
/// version of Keras's definition, the center/scale flags, axes, and config parsing.
final class NormalizationLayerTests: XCTestCase {
    func testBatchNormalizationFormula() throws {
        var rng = SplitMix64(seed: 41)
        let x = rng.array(3, 4, 5, scale: 3)
        let gamma = rng.floats(5), beta = rng.floats(5), mean = rng.floats(5), variance = rng.floats(5).map { abs($0) + 0.1 }
        for (g, b) in [(gamma, beta), (nil, beta), (gamma, nil), (nil, nil)] as [([Float]?, [Float]?)] {
            let bn = BatchNormalizationLayer(epsilon: 1.001e-5, gamma: g, beta: b, mean: mean, variance: variance)
            let out = try runLayer(bn, x)
            var want = x
            for i in want.data.indices {
                let c = i % 5
                let y = (Double(x.data[i]) - Double(mean[c])) / (Double(variance[c]) + Double(Float(1.001e-5))).squareRoot()
                want.data[i] = Float(y * Double(g?[c] ?? 1) + Double(b?[c] ?? 0))
            }
            assertClose(out, want, tolerance: 2e-6, "bn gamma \(g != nil) beta \(b != nil)")
            XCTAssertEqual(bn.parameterCount, 5 * (2 + (g == nil ? 0 : 1) + (b == nil ? 0 : 1)))
        }
        // Hand value: (3 - 1) / sqrt(3 + 1) * 2 + 0.5 = 2.5.
        let one = BatchNormalizationLayer(epsilon: 1, gamma: [2], beta: [0.5], mean: [1], variance: [3])
        XCTAssertEqual(try runLayer(one, NDArray(shape: [1], data: [3])).data, [2.5])
    }

    func testBatchNormalizationOnAnotherAxis() throws {
        // Axis 1 of (C=2, 3): channel = row.
        let bn = BatchNormalizationLayer(axis: 1, epsilon: 0, gamma: nil, beta: [10, 20], mean: [0, 0], variance: [1, 1])
        XCTAssertEqual(try runLayer(bn, NDArray(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])).data, [11, 12, 13, 24, 25, 26])
        XCTAssertNotNil(shapeError(bn, [3, 2]), "3 rows for 2 channels")
        XCTAssertEqual(try bn.outputShape(inputs: [[2, 7, 7]]), [2, 7, 7])
    }

    func testBatchNormalizationConfig() throws {
        let v = { (n: Int) in WeightArray(shape: [n], values: [Float](repeating: 1, count: n)) }
        let full =
            try build(
                "BatchNormalization", #"{"axis": -1, "epsilon": 0.001, "center": true, "scale": true, "renorm": false}"#,
                weights: [v(4), v(4), v(4), v(4)]) as! BatchNormalizationLayer
        XCTAssertNotNil(full.gamma)
        XCTAssertEqual(full.epsilon, 1e-3)
        let noScale =
            try build("BatchNormalization", #"{"axis": [3], "scale": false, "epsilon": 1.001e-5}"#, weights: [v(4), v(4), v(4)], keras: 2)
            as! BatchNormalizationLayer
        XCTAssertNil(noScale.gamma)
        XCTAssertNotNil(noScale.beta)
        XCTAssertEqual(noScale.axis, 3)
        XCTAssertEqual(try noScale.outputShape(inputs: [[2, 2, 4]]), [2, 2, 4])
        assertThrows(
            .unsupportedConfig(layer: "layer", className: "BatchNormalization", key: "renorm", value: "true"),
            try build("BatchNormalization", #"{"renorm": true}"#, weights: [v(4), v(4), v(4), v(4)]))
        assertThrows(
            .weightCount(layer: "layer", className: "BatchNormalization", expected: ["beta", "moving_mean", "moving_variance"], found: 4),
            try build("BatchNormalization", #"{"scale": false}"#, weights: [v(4), v(4), v(4), v(4)]))
        assertThrows(
            .weightShape(layer: "layer", className: "BatchNormalization", weight: "gamma", expected: [4], found: [3]),
            try build("BatchNormalization", "{}", weights: [v(3), v(4), v(4), v(4)]))
        assertThrows(
            .unsupportedConfig(layer: "layer", className: "BatchNormalization", key: "axis", value: "[1, 2]"),
            try build("BatchNormalization", #"{"axis": [1, 2]}"#, weights: [v(4), v(4), v(4), v(4)]))
    }

    func testRescaling() throws {
        let x = NDArray(shape: [2, 3], data: [0, 127.5, 255, 1, 2, 3])
        let tf = try build("Rescaling", #"{"scale": 0.00784313725490196, "offset": -1.0}"#) as! RescalingLayer
        let out = try runLayer(tf, x)
        XCTAssertEqual(out.data[0], -1)
        XCTAssertEqual(out.data[2], Float(255) * Float(0.00784313725490196) + -1)
        let perChannel = try build("Rescaling", #"{"scale": [0.5, 1.0, 2.0], "offset": [0.0, 1.0, -2.0]}"#)
        XCTAssertEqual(try runLayer(perChannel, x).data, [0, 128.5, 508, 0.5, 3, 4])
        let numpy = try build("Rescaling", #"{"scale": {"class_name": "__numpy__", "config": {"value": [2.0, 3.0, 4.0], "dtype": "float32"}}}"#)
        XCTAssertEqual(try runLayer(numpy, x).data, [0, 382.5, 1020, 2, 6, 12])
        XCTAssertNotNil(shapeError(perChannel, [3, 2]), "3 channel scales on 2 channels")
        assertThrows(.invalidConfig(layer: "layer", className: "Rescaling", key: "scale", reason: "is missing"), try build("Rescaling"))
    }

    func testNormalization() throws {
        let x = NDArray(shape: [2, 2], data: [3, -2, 1, 0])
        let fromConfig = try build("Normalization", #"{"axis": [-1], "invert": false, "mean": [1.0, -2.0], "variance": [4.0, 0.0]}"#)
        // (3 - 1) / 2 = 1; (-2 + 2) / max(0, 1e-7) = 0; (1 - 1) / 2 = 0; (0 + 2) / 1e-7 = 2e7.
        let out = try runLayer(fromConfig, x)
        XCTAssertEqual(out.data[0], 1)
        XCTAssertEqual(out.data[1], 0)
        XCTAssertEqual(out.data[3], 2 / Float(1e-7))
        XCTAssertEqual(fromConfig.parameterCount, 0)
        let inverted = try build("Normalization", #"{"axis": [-1], "invert": true, "mean": [1.0, -2.0], "variance": [4.0, 1.0]}"#)
        XCTAssertEqual(try runLayer(inverted, NDArray(shape: [2], data: [1, 1])).data, [3, -1])
        let adapted = try build(
            "Normalization", #"{"axis": [-1], "invert": false, "mean": null, "variance": null}"#,
            weights: [
                WeightArray(shape: [2], values: [1, -2]), WeightArray(shape: [2], values: [4, 1]),
                WeightArray(shape: [], values: [100]),
            ])
        XCTAssertEqual(try runLayer(adapted, x).data, [1, 0, 0, 2])
        XCTAssertEqual(adapted.parameterCount, 5)
        XCTAssertNotNil(shapeError(adapted, [2, 3]), "3 channels, 2 means")
        let scalar = try build("Normalization", #"{"axis": null, "mean": 2.0, "variance": 4.0}"#)
        XCTAssertEqual(try runLayer(scalar, x).data, [0.5, -2, -0.5, -1])
        // Keeping axis 0 of (2, 2): one mean per row.
        let rows = NormalizationLayer(axes: [1], mean: [1, 2], variance: [1, 1])
        XCTAssertEqual(try runLayer(rows, x).data, [2, -3, -1, -2])
        assertThrows(
            .weightCount(layer: "layer", className: "Normalization", expected: ["mean", "variance", "count"], found: 2),
            try build(
                "Normalization", #"{"mean": null}"#, weights: [WeightArray(shape: [2], values: [1, 2]), WeightArray(shape: [2], values: [1, 2])]))
    }
}
