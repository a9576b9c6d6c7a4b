import Foundation
import XCTest
import FeatureMaps
import FeatureMapsEngine
@testable import FeatureMapsModels

/// Grad-CAM and saliency of the generic graph against Keras's own (tf.GradientTape, Scripts/make_zoo.py,
/// Fixtures/zoo/<model>/explain/): classroom_cnn and resnet_mini, each read from its .keras and its
/// .h5, fast and reference kernels. The same class (top-1 of the pre-softmax logits), and every array
/// (logits, the layer's activation and gradient, the Grad-CAM weights, raw and ReLU'd map, the input
/// gradient and the saliency map) within 1e-3 of the largest |value| of Keras's array: float32
/// rounding of two summation orders through a few layers is ~1e-6 of it; a wrong gradient rule
/// (a mask on the wrong side, a missing broadcast sum) is off by far more. The worst relative
/// difference of each array is printed.
final class ExplainOracleTests: XCTestCase {
    struct Oracle: Decodable {
        let input: String, layer: String, logits_from: String
        let `class`: Int
        let files: [String: String]
    }

    static let tolerance = 1e-3

    func testClassroomCNN() throws { try check("classroom_cnn") }
    func testResNetMini() throws { try check("resnet_mini") }

    func check(_ model: String) throws {
        let oracle = try JSONDecoder().decode(
            Oracle.self, from: Data(contentsOf: URL(fileURLWithPath: try Zoo.path(model + "/explain/explain.json"))))
        func keras(_ key: String) throws -> NDArray { try ZooAgreementTests.npy(try Zoo.path(model + "/explain/" + oracle.files[key]!)) }
        let input = try ZooAgreementTests.npy(Zoo.packageRoot + "/" + oracle.input)
        let x = input.reshaped(Shape(Array(input.shape.dims.dropFirst())))
        var report: [String] = []
        for file in [model + ".keras", model + ".h5"] {
            let graph = try KerasGraphBuilder.build(try Zoo.description(file).modelSpec(file: file))
            let logitLayer = String(oracle.logits_from.prefix { $0 != ":" })
            XCTAssertEqual(try graph.logitSource().description, "\(logitLayer) before its softmax activation", file)
            for kernels in [KernelChoice.fast, .reference] {
                let driver = GraphGradient(graph: graph, threads: 2, kernels: kernels)
                let e = try driver.explain([x], class: .top1, gradCAMLayer: oracle.layer, saliency: true)
                XCTAssertEqual(e.classIndex, oracle.class, "\(file) [\(kernels)] class")
                let cam = try XCTUnwrap(e.gradCAM), saliency = try XCTUnwrap(e.saliency)
                let pairs: [(String, [Float], String)] = [
                    ("logits", e.logits, "logits"),
                    ("activation", cam.activation.data, "activation"),
                    ("gradient", cam.gradient.data, "gradient"),
                    ("weights", cam.channelWeights, "weights"),
                    ("raw map", cam.map, "gradcam_raw"),
                    ("gradcam", cam.map.map { max($0, 0) }, "gradcam"),
                    ("input gradient", saliency.inputGradient.data, "input_gradient"),
                    ("saliency", saliency.values, "saliency"),
                ]
                var line: [String] = []
                for (what, ours, key) in pairs {
                    let theirs = try keras(key).data
                    XCTAssertEqual(ours.count, theirs.count, "\(file) [\(kernels)] \(what) size")
                    guard ours.count == theirs.count else { continue }
                    let scale = Double(theirs.map(abs).max() ?? 0)
                    let diff = zip(ours, theirs).map { Double(abs($0 - $1)) }.max() ?? 0
                    let relative = scale > 0 ? diff / scale : diff
                    line.append(String(format: "%@ %.1e", what, relative))
                    XCTAssertLessThanOrEqual(relative, Self.tolerance, "\(file) [\(kernels)] \(what): max |diff| \(diff), max |Keras| \(scale)")
                }
                report.append("\(file) [\(kernels)] class \(e.classIndex): " + line.joined(separator: ", "))
            }
        }
        print("explain vs Keras (max |featuremaps - Keras| / max |Keras|):\n  " + report.joined(separator: "\n  "))
    }
}
