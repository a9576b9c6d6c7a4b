import Foundation
import XCTest
import FeatureMapsEngine
@testable import FeatureMapsModels

/// Feature visualization's gradient on the full-size ResNet50 of Scripts/make_zoo_large.py against
/// Keras (Scripts/resnet_visualize_gradient.py: tf.GradientTape of the mean of one channel of a
/// middle layer with respect to the model input). Not in CI: the model is ~100 MB; skipped unless
/// $FEATUREMAPS_ZOO holds resnet50.keras and resnet50_grad/values.json, e.g.
///   FEATUREMAPS_ZOO=.build/zoo-large swift test --filter LargeZooGradientTests
/// The objective's value and the input gradient within 1e-3 of the largest |value| of Keras's.
final class LargeZooGradientTests: XCTestCase {
    func testResNet50ChannelMeanGradientsMatchKeras() throws {
        guard let zoo = ProcessInfo.processInfo.environment["FEATUREMAPS_ZOO"],
            FileManager.default.fileExists(atPath: zoo + "/resnet50_grad/values.json")
        else { throw XCTSkip("set FEATUREMAPS_ZOO to .build/zoo-large after Scripts/resnet_visualize_gradient.py") }
        let values = try JSONDecoder().decode([String: Double].self, from: Data(contentsOf: URL(fileURLWithPath: zoo + "/resnet50_grad/values.json")))
        let input = try ZooAgreementTests.npy(zoo + "/resnet50_input.npy")
        let x = input.shape.rank == 4 ? input.reshaped(Shape(Array(input.shape.dims.dropFirst()))) : input
        let file = zoo + "/resnet50.keras"
        guard case .model(let description) = try KerasModelFile.read(path: file) else { return XCTFail("\(file) read as weights-only") }
        let graph = try KerasGraphBuilder.build(try description.modelSpec(file: file))
        var report: [String] = []
        for kernels in [KernelChoice.fast, .reference] {
            let driver = GraphGradient(graph: graph, threads: 2, kernels: kernels)
            for key in values.keys.sorted() {
                let parts = key.components(separatedBy: "_ch")
                let layer = parts[0], c = Int(parts[1])!
                let r = try driver.run([x], objectiveAt: layer, inputGradients: true) { v in
                    var s = NDArray(shape: v.shape)
                    let channels = v.shape.dims.last!, pixels = v.data.count / channels
                    for p in 0..<pixels { s.data[p * channels + c] = 1 / Float(pixels) }
                    return s
                }
                let channels = r.value.shape.dims.last!, pixels = r.value.data.count / channels
                let mean = (0..<pixels).reduce(0.0) { $0 + Double(r.value.data[$1 * channels + c]) } / Double(pixels)
                let keras = try ZooAgreementTests.npy(zoo + "/resnet50_grad/\(key).npy").data
                let ours = r.inputGradients[0].data
                XCTAssertEqual(ours.count, keras.count, key)
                let scale = Double(keras.map { abs($0) }.max() ?? 0)
                let worst = zip(ours, keras).reduce(0.0) { max($0, Double(abs($1.0 - $1.1))) } / max(scale, 1e-30)
                XCTAssertEqual(mean, values[key]!, accuracy: 1e-3 * max(abs(values[key]!), 1e-6), "\(key): objective")
                XCTAssertLessThanOrEqual(worst, 1e-3, "\(key): input gradient vs Keras")
                report.append(
                    "\(kernels) "
                        + String(format: "%@: objective %.5g (Keras %.5g), gradient worst %.1e of max %.3g", key, mean, values[key]!, worst, scale))
            }
        }
        print("ResNet50 channel-mean gradients vs Keras:\n  " + report.joined(separator: "\n  "))
    }
}
