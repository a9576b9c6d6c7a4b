import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// The whole optimization on a tiny CNN: one step's spectrum gradient against finite differences of
/// the objective through every piece (Fourier image, colour, sigmoid, transform, preprocessing,
/// graph); the objective rises; same seed, same bits (any thread count); other seeds differ; refusals.
final class FeatureVisualizerTests: XCTestCase {
    /// in (9, 8, 3) -> conv 3x3 'same' (4) -> tanh "t" -> conv 3x3 stride 2 (5) -> tanh "u".
    func tinyCNN() throws -> Graph {
        var rng = SplitMix64(seed: 1210)
        let nodes = [
            NodeDescription(name: "in", layer: InputLayer(declaredShape: [9, 8, 3])),
            NodeDescription(name: "c1", layer: Conv2DLayer(kernel: rng.weight(3, 3, 3, 4), bias: rng.weight(4), padding: .same), inputs: [.node(0)]),
            NodeDescription(name: "t", layer: ActivationLayer(.tanh), inputs: [.node(1)]),
            NodeDescription(name: "c2", layer: Conv2DLayer(kernel: rng.weight(3, 3, 4, 5), strides: [2, 2], padding: .same), inputs: [.node(2)]),
            NodeDescription(name: "u", layer: ActivationLayer(.tanh), inputs: [.node(3)]),
        ]
        return try Graph(nodes: nodes, inputs: [0], outputs: [4])
    }

    func settings(steps: Int) -> VisualizationSettings {
        VisualizationSettings(steps: steps, learningRate: 0.05, jitter: 1, scaleRange: 0.1, degrees: 10, spectrumSD: 0.5)
    }

    /// Step 1/1024, not GradientCheck's 1/64: under caffe the network sees pixels minus the mean
    /// (about +-128), its tanh units are steep, and 1/64 leaves a truncation error of a few percent;
    /// float32 rounding of the objective over 2h stays ~1e-5.
    func testStepGradientAgainstFiniteDifferences() throws {
        let h: Float = 1.0 / 1024
        for mode in [Preprocessing.tf, .caffe, .torch] {
            let v = try FeatureVisualizer(graph: try tinyCNN(), layer: "u", preprocessing: mode, settings: settings(steps: 1))
            var gen = SeededGenerator(seed: 5)
            let spectrum = v.fourier.initialParameters(sd: 0.5, &gen)
            let transform = RandomTransform(scale: 1.07, angle: 0.1, shiftY: 0.6, shiftX: -1.3)
            let (value, g) = try v.step(spectrum, channel: 2, transform: transform)
            let scale = max(1, Double(g.map(abs).max()!))
            for i in stride(from: 0, to: spectrum.count, by: 7) {
                var plus = spectrum, minus = spectrum
                plus[i] += h
                minus[i] -= h
                let fd =
                    Double(try v.step(plus, channel: 2, transform: transform).value - v.step(minus, channel: 2, transform: transform).value)
                    / Double(plus[i] - minus[i])
                XCTAssertEqual(Double(g[i]), fd, accuracy: GradientCheck.tolerance * scale, "\(mode) spectrum [\(i)]")
            }
            XCTAssertTrue(value.isFinite)
        }
    }

    func testObjectiveRisesAndPicturesAreValid() throws {
        let v = try FeatureVisualizer(graph: try tinyCNN(), layer: "t", preprocessing: .tf, settings: settings(steps: 40))
        let r = try v.visualize(channel: 1, seed: 3)
        XCTAssertEqual(r.history.count, 40)
        let start = r.history.prefix(5).reduce(0, +) / 5, end = r.history.suffix(5).reduce(0, +) / 5
        XCTAssertGreaterThan(end, start + 0.1, "history \(r.history)")
        XCTAssertEqual(r.pixels.count, 9 * 8 * 3)
        XCTAssertTrue(r.pixels.allSatisfy { $0 >= 0 && $0 <= 255 })
        // The written picture still excites the channel more than the starting grey does.
        let grey = try v.activation(bytes: [UInt8](repeating: 128, count: 9 * 8 * 3), channel: 1)
        XCTAssertGreaterThan(try v.activation(bytes: r.bytes, channel: 1), grey)
    }

    func testSameSeedSameBitsOnAnyThreadCountOtherSeedsDiffer() throws {
        let graph = try tinyCNN()
        let one = try FeatureVisualizer(graph: graph, layer: "u", preprocessing: .tf, settings: settings(steps: 6), threads: 1)
        let three = try FeatureVisualizer(graph: graph, layer: "u", preprocessing: .tf, settings: settings(steps: 6), threads: 3)
        let a = try one.visualize(channel: 4, seed: 11)
        XCTAssertEqual(a.pixels, try one.visualize(channel: 4, seed: 11).pixels)
        XCTAssertEqual(a.pixels, try three.visualize(channel: 4, seed: 11).pixels)
        XCTAssertEqual(a.history, try three.visualize(channel: 4, seed: 11).history)
        XCTAssertNotEqual(a.pixels, try one.visualize(channel: 4, seed: 12).pixels)
        XCTAssertNotEqual(a.pixels, try one.visualize(channel: 3, seed: 11).pixels)
    }

    func testRefusals() throws {
        let graph = try tinyCNN()
        XCTAssertThrowsError(try FeatureVisualizer(graph: graph, layer: "u", preprocessing: .tf, settings: settings(steps: 0))) {
            XCTAssertEqual($0 as? VisualizationError, .stepsNotPositive(0))
        }
        let v = try FeatureVisualizer(graph: graph, layer: "u", preprocessing: .tf, settings: settings(steps: 1))
        XCTAssertEqual(v.channelCount, 5)
        XCTAssertThrowsError(try v.visualize(channel: 5, seed: 0)) {
            XCTAssertEqual($0 as? VisualizationError, .channelOutOfRange(channel: 5, layer: "u", channels: 5))
            XCTAssertEqual($0.localizedDescription, "channel 5 is past u's 5 channels; use 0 to 4")
        }
        XCTAssertThrowsError(try FeatureVisualizer(graph: graph, layer: "nope", preprocessing: .tf, settings: settings(steps: 1)))
    }
}
