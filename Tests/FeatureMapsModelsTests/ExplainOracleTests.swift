import Foundation
import XCTest
import FeatureMaps
import FeatureMapsEngine
import TestSupport
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

    /// Every zoo model explains: Grad-CAM at its last (H, W, C) layer with more than one pixel, and
    /// saliency, all finite; and the input gradient g against central finite differences of the
    /// logit along four sign vectors s (sign(g) and three random ones): (L(x + d s) - L(x - d s)) / 2d
    /// vs g . s, the best of d = 1e-3, 1e-4, 3e-5, within 1e-2 of ||g||_2 sqrt(n). A sign vector moves
    /// every input at once, so large steps cross many ReLU kinks (these seeded models are far from
    /// linear at the 0-255 pixel scale) and tiny ones drown in float32 rounding of the logit; a wrong
    /// backward rule stays off at every step. Prints the worst difference of each model.
    func testEveryZooModelExplains() throws {
        var report: [String] = []
        for model in try Zoo.models() {
            struct Manifest: Decodable { let input: String }
            let manifest = try JSONDecoder().decode(
                Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: try Zoo.path(model + "/manifest.json"))))
            let input = try ZooAgreementTests.npy(Zoo.packageRoot + "/" + manifest.input)
            let x = input.reshaped(Shape(Array(input.shape.dims.dropFirst())))
            let file = model + ".keras"
            let graph = try KerasGraphBuilder.build(try Zoo.description(file).modelSpec(file: file))
            let source = try graph.logitSource()
            let maps = graph.nodes.filter { graph.shape(of: $0.output).rank == 3 && !($0.layer is InputLayer) && $0.output != source.value }
            let layer = try XCTUnwrap(maps.last { graph.shape(of: $0.output).dims.prefix(2).reduce(1, *) > 1 } ?? maps.last, model).qualifiedName
            let driver = GraphGradient(graph: graph, threads: 2)
            let e = try driver.explain([x], class: .top1, gradCAMLayer: layer, saliency: true)
            let cam = try XCTUnwrap(e.gradCAM), g = try XCTUnwrap(e.saliency).inputGradient.data
            XCTAssertTrue((cam.map + cam.channelWeights + g).allSatisfy(\.isFinite), "\(model): not finite")
            var rng = SplitMix64(seed: 7)
            let norm = (g.reduce(0) { $0 + Double($1) * Double($1) }).squareRoot() * Double(g.count).squareRoot()
            var worst = 0.0
            for k in 0..<4 {
                let s: [Float] = k == 0 ? g.map { $0 < 0 ? -1 : 1 } : g.map { _ in rng.next() % 2 == 0 ? -1 : 1 }
                let exact = zip(g, s).reduce(0) { $0 + Double($1.0) * Double($1.1) }
                var best = Double.infinity
                for d: Float in [1e-3, 1e-4, 3e-5] {
                    let plus = NDArray(shape: x.shape, data: zip(x.data, s).map { $0 + d * $1 })
                    let minus = NDArray(shape: x.shape, data: zip(x.data, s).map { $0 - d * $1 })
                    let lp = try driver.run([plus], class: .index(e.classIndex)).logits.data[e.classIndex]
                    let lm = try driver.run([minus], class: .index(e.classIndex)).logits.data[e.classIndex]
                    best = min(best, abs((Double(lp) - Double(lm)) / (2 * Double(d)) - exact) / norm)
                }
                worst = max(worst, best)
            }
            XCTAssertLessThanOrEqual(worst, 1e-2, "\(model): input gradient vs finite differences")
            report.append(
                String(
                    format: "%@: Grad-CAM at %@ %@, class %d, input gradient vs finite differences %.1e", model, layer, "\(cam.activation.shape)",
                    e.classIndex, worst))
        }
        print("explain on every zoo model (logit from its softmax's input):\n  " + report.joined(separator: "\n  "))
    }

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
