import XCTest
import FeatureMapsEngine

/// Grad-CAM and saliency arithmetic on hand-made tensors (Keras agreement: ExplainKerasTests).
final class ExplanationTests: XCTestCase {
    func testGradCAMWeightsMapAndContributions() {
        // 1x2 map, 2 channels. Gradients: channel 0 (1, 3) -> weight 2; channel 1 (-1, -1) -> weight -1.
        let a = Tensor(height: 1, width: 2, channels: 2, data: [1, 4, 2, 1])
        let g = Tensor(height: 1, width: 2, channels: 2, data: [1, -1, 3, -1])
        let cam = GradCAM(layer: "L", activation: a, gradient: g)
        XCTAssertEqual(cam.channelWeights, [2, -1])
        XCTAssertEqual(cam.map, [2 * 1 - 4, 2 * 2 - 1])  // [-2, 3], before ReLU
        XCTAssertEqual(cam.contributions, [1 * 1 + 3 * 2, -4 - 1])
        XCTAssertEqual(cam.topChannels(1), [0])
        XCTAssertEqual(cam.topChannels(5), [0, 1])
    }

    func testTopChannelTiesKeepTheLowerIndexFirst() {
        let a = Tensor(height: 1, width: 1, channels: 4, data: [1, 1, 1, 1])
        let cam = GradCAM(layer: "L", activation: a, gradient: Tensor(height: 1, width: 1, channels: 4, data: [2, 5, 5, 2]))
        XCTAssertEqual(cam.topChannels(4), [1, 2, 0, 3])
    }

    /// ReLU first, then upsampling: a 1x2 map (-2, 3) to 1x4 samples at x = -0.25, 0.25, 0.75, 1.25.
    func testHeatmapIsReLUThenBilinear() {
        let a = Tensor(height: 1, width: 2, channels: 1, data: [-2, 3])
        let cam = GradCAM(layer: "L", activation: a, gradient: Tensor(height: 1, width: 2, channels: 1, data: [1, 1]))
        XCTAssertEqual(cam.heatmap(height: 1, width: 4), [0, 0.75, 2.25, 3])
    }

    func testSaliencyIsTheLargestAbsoluteGradientOverColours() {
        let g = Tensor(height: 1, width: 2, channels: 3, data: [0.5, -2, 1, 0, 0, -0.25])
        let s = SaliencyMap(inputGradient: g)
        XCTAssertEqual(s.values, [2, 0.25])
        XCTAssertEqual([s.height, s.width], [1, 2])
    }
}
