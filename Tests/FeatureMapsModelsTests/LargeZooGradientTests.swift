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
        // ZOO_KERNELS=fast skips the plain loops (slow in a debug build), as ZooAgreementTests does.
        let choices: [KernelChoice] = ProcessInfo.processInfo.environment["ZOO_KERNELS"] == "fast" ? [.fast] : [.fast, .reference]
        for kernels in choices {
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
                XCTAssertEqual(mean, values[key]!, accuracy: 1e-3 * max(abs(values[key]!), 1e-6), "\(key): objective")
                let vsKeras = Self.distance(ours, keras)
                var line = String(
                    format: "%@ %@: objective %.5g (Keras %.5g); vs Keras float32 worst %.1e, L2 %.1e", "\(kernels)", key, mean, values[key]!,
                    vsKeras.worst, vsKeras.l2)
                let truthPath = zoo + "/resnet50_grad/\(key)_f64.npy"
                if FileManager.default.fileExists(atPath: truthPath) {
                    // The float64 network is the truth; Keras's float32 gradient is itself off it (ReLU kinks
                    // flip with the forward pass's last bits), so ours is held to Keras's own distance.
                    let truth = try Self.npy64(truthPath)
                    let (o, k) = (Self.distance(ours, truth), Self.distance(keras, truth))
                    line += String(format: "; vs float64: ours worst %.1e L2 %.1e, Keras float32 worst %.1e L2 %.1e", o.worst, o.l2, k.worst, k.l2)
                    XCTAssertLessThanOrEqual(o.l2, max(1e-4, 4 * k.l2), "\(key): input gradient vs float64 Keras (L2)")
                } else {
                    XCTAssertLessThanOrEqual(vsKeras.worst, 1e-3, "\(key): input gradient vs Keras")
                }
                report.append(line)
            }
        }
        print("ResNet50 channel-mean gradients vs Keras:\n  " + report.joined(separator: "\n  "))
    }

    /// A little-endian float64 .npy (version 1 header, C order) as a flat array.
    static func npy64(_ path: String) throws -> [Double] {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count > 10, bytes[0] == 0x93, bytes[6] == 1 else { throw CocoaError(.fileReadCorruptFile) }
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        guard header.contains("'<f8'"), header.contains("'fortran_order': False") else { throw CocoaError(.fileReadCorruptFile) }
        let body = bytes[(10 + headerLength)...]
        return stride(from: body.startIndex, to: body.endIndex, by: 8).map { i in
            Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(body[i + $1]) << (8 * UInt64($1)) })
        }
    }

    /// Worst |a - b| / max|b| and |a - b|_2 / |b|_2.
    static func distance<T: BinaryFloatingPoint>(_ a: [Float], _ b: [T]) -> (worst: Double, l2: Double) {
        var worst = 0.0, diff = 0.0, norm = 0.0, scale = 0.0
        for (x, y) in zip(a, b) {
            let d = Double(x) - Double(y)
            worst = max(worst, abs(d))
            diff += d * d
            norm += Double(y) * Double(y)
            scale = max(scale, abs(Double(y)))
        }
        return (worst / max(scale, 1e-30), (diff / max(norm, 1e-300)).squareRoot())
    }
}
