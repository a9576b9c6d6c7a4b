import Foundation
import XCTest
import FeatureMapsEngine
import TestSupport

/// The layer table and weight shapes against what Keras itself reports
/// (Fixtures/reference/layers_*.json and weight_shapes.json, written by Scripts/make_fixtures.py).
final class KerasLayerTableTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.root + "/Fixtures/reference/" + name))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testLayerTablesMatchKerasSummary() throws {
        for (file, alpha, size) in [("layers_0.35_224.json", 0.35, 224), ("layers_1.0_160.json", 1.0, 160)] {
            let keras = try XCTUnwrap(try json(file)["layers"] as? [[String: Any]])
            let ours = MobileNetV2Architecture(alpha: alpha).layers(height: size, width: size)
            let graph = try MobileNetV2Graph.graph(randomMobileNetV2Weights(alpha: alpha, classes: 1000), height: size, width: size)
            let nodes = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.name, $0) })
            XCTAssertEqual(ours.count, keras.count, "\(file): layer count")
            for (l, k) in zip(ours, keras) {
                XCTAssertEqual(l.name, k["name"] as? String, "\(file): name at \(l.index)")
                XCTAssertEqual(l.kind.rawValue, k["class_name"] as? String, "\(file): kind of \(l.name)")
                let shape = try XCTUnwrap(k["output_shape"] as? [Int])
                let full = shape.count == 1 ? [1, 1, shape[0]] : shape
                XCTAssertEqual([l.shape.height, l.shape.width, l.shape.channels], full, "\(file): shape of \(l.name)")
                XCTAssertEqual(l.parameters, k["param_count"] as? Int, "\(file): parameters of \(l.name)")
                // Multiply-adds (what bench divides by): Keras's weights less the bias, times the output pixels.
                let config = try XCTUnwrap(k["config"] as? [String: Any])
                let bias = (config["use_bias"] as? Bool ?? false) ? shape[shape.count - 1] : 0
                let kerasMACs =
                    ["Conv2D", "DepthwiseConv2D", "Dense"].contains(k["class_name"] as? String ?? "")
                    ? (try XCTUnwrap(k["param_count"] as? Int) - bias) * shape.dropLast().reduce(1, *) : 0
                let node = try XCTUnwrap(nodes[l.name], "\(file): graph node \(l.name)")
                let macs = Arithmetic.multiplyAdds(node.layer, inputs: node.inputs.map(graph.shape(of:)), output: graph.shape(of: node.output))
                XCTAssertEqual(macs, kerasMACs, "\(file): multiply-adds of \(l.name)")
            }
        }
    }

    /// For every published width, the weight shapes Keras builds equal the architecture's, and a
    /// weights set with exactly those shapes loads and is recognised as that width.
    func testEveryPublishedWidthMatchesKerasWeightShapes() throws {
        let alphas = try XCTUnwrap(try json("weight_shapes.json")["alphas"] as? [String: Any])
        XCTAssertEqual(alphas.count, 6)
        for (key, value) in alphas {
            let alpha = try XCTUnwrap(Double(key))
            let entry = try XCTUnwrap(value as? [String: Any])
            let layers = try XCTUnwrap(entry["layers"] as? [[Any]])
            var keras: [(String, String, [Int])] = []
            var weights = KerasWeights()
            var rng = SplitMix64(seed: 9)
            for layer in layers {
                let name = try XCTUnwrap(layer[0] as? String)
                weights.layerOrder.append(name)
                for w in try XCTUnwrap(layer[2] as? [[Any]]) {
                    let wname = try XCTUnwrap(w[0] as? String), shape = try XCTUnwrap(w[1] as? [Int])
                    keras.append((name, wname, shape))
                    let n = shape.reduce(1, *)
                    let values = wname == "moving_variance" ? [Float](repeating: 1, count: n) : rng.floats(n, scale: 0.1)
                    weights.layers[name, default: [:]][wname] = WeightArray(shape: shape, values: values)
                }
            }
            let ours = MobileNetV2Architecture(alpha: alpha).weightShapes
            XCTAssertEqual(
                ours.map { "\($0.layer)/\($0.weight)\($0.shape)" }, keras.map { "\($0.0)/\($0.1)\($0.2)" },
                "alpha \(alpha)")
            let model = try MobileNetV2(weights: weights)
            XCTAssertEqual(model.architecture.alpha, alpha)
            XCTAssertEqual(model.parameterCount, entry["total_params"] as? Int, "alpha \(alpha) parameters")
        }
    }
}
