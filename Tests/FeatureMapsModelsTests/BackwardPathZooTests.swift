import Foundation
import XCTest
import FeatureMaps
import FeatureMapsEngine
import TestSupport
@testable import FeatureMapsModels

/// The backward pass's two speed-ups on every zoo model (each read from its .keras, on its fixture
/// input), for Grad-CAM at its last map layer plus saliency, as ExplainOracleTests asks:
/// - the gradient pool (`poolsGradients`) changes no bit, on 1 and 2 threads, on a first run and a
///   second (which reuses the first's arrays);
/// - the fused backward chains (`fusesBackward`) stay within 1e-4 of the largest |gradient| of the
///   per-layer path (two float32 summation orders; a wrong mask or scale is off by far more).
final class BackwardPathZooTests: XCTestCase {
    struct Case {
        let model: String, graph: Graph, input: NDArray, layer: String
    }

    func cases() throws -> [Case] {
        try Zoo.models().map { model in
            struct Manifest: Decodable { let input: String }
            let manifest = try JSONDecoder().decode(
                Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: try Zoo.path(model + "/manifest.json"))))
            let input = try ZooAgreementTests.npy(Zoo.packageRoot + "/" + manifest.input)
            let file = model + ".keras"
            let graph = try KerasGraphBuilder.build(try Zoo.description(file).modelSpec(file: file))
            let source = try graph.logitSource()
            let maps = graph.nodes.filter { graph.shape(of: $0.output).rank == 3 && !($0.layer is InputLayer) && $0.output != source.value }
            let layer = try XCTUnwrap(maps.last, model).qualifiedName
            return Case(model: model, graph: graph, input: input.reshaped(Shape(Array(input.shape.dims.dropFirst()))), layer: layer)
        }
    }

    func testPooledGradientsAreBitIdenticalOnTheZoo() throws {
        let all = try cases()
        XCTAssertTrue(all.contains { $0.model == "resnet_mini" } && all.contains { $0.model == "transfer_mobilenetv2" })
        for c in all {
            for threads in [1, 2] {
                let pooled = GraphGradient(graph: c.graph, threads: threads)
                let fresh = GraphGradient(graph: c.graph, threads: threads, poolsGradients: false)
                for run in 0..<2 {
                    let a = try pooled.explain([c.input], class: .top1, gradCAMLayer: c.layer, saliency: true)
                    let b = try fresh.explain([c.input], class: .top1, gradCAMLayer: c.layer, saliency: true)
                    let what = "\(c.model), \(threads) thread(s), run \(run)"
                    XCTAssertEqual(a.saliency?.inputGradient.data, b.saliency?.inputGradient.data, "\(what): input gradient")
                    XCTAssertEqual(a.gradCAM?.gradient.data, b.gradCAM?.gradient.data, "\(what): Grad-CAM gradient at \(c.layer)")
                }
            }
        }
    }

    func testFusedBackwardMatchesThePerLayerPathOnTheZoo() throws {
        var report: [String] = []
        for c in try cases() {
            let driver = GraphGradient(graph: c.graph, threads: 2)
            if ["resnet_mini", "transfer_mobilenetv2"].contains(c.model) { XCTAssertGreaterThan(driver.fusedChainCount, 0, c.model) }
            let fused = try driver.explain([c.input], class: .top1, gradCAMLayer: c.layer, saliency: true)
            let plain = try GraphGradient(graph: c.graph, threads: 2, fusesBackward: false)
                .explain([c.input], class: .top1, gradCAMLayer: c.layer, saliency: true)
            XCTAssertEqual(fused.classIndex, plain.classIndex, c.model)
            var worst = 0.0
            for (a, b, what) in [
                (fused.saliency!.inputGradient.data, plain.saliency!.inputGradient.data, "input gradient"),
                (fused.gradCAM!.gradient.data, plain.gradCAM!.gradient.data, "Grad-CAM gradient"),
            ] {
                let scale = Double(b.map(abs).max() ?? 0)
                // The input gradient is never all zero; a Grad-CAM layer's may be (its units all off).
                if what == "input gradient" { XCTAssertGreaterThan(scale, 0, "\(c.model): \(what) all zero") }
                let d = zip(a, b).map { Double(abs($0 - $1)) }.max() ?? 0
                XCTAssertLessThanOrEqual(d, 1e-4 * scale, "\(c.model): \(what), fused vs per layer")
                worst = max(worst, d / max(scale, .leastNonzeroMagnitude))
            }
            report.append(String(format: "%@ %.1e (%d fused chains)", c.model, worst, driver.fusedChainCount))
        }
        print("fused vs per-layer backward, worst relative difference:\n  " + report.joined(separator: "\n  "))
    }
}
