import XCTest
import FeatureMapsEngine

final class ArchitectureTests: XCTestCase {
    func testMakeDivisibleMatchesKeras() {
        // Values of Keras's _make_divisible(v, 8).
        XCTAssertEqual(makeDivisible(32 * 0.35), 16)
        XCTAssertEqual(makeDivisible(32 * 1.0), 32)
        XCTAssertEqual(makeDivisible(32 * 1.4), 48)
        XCTAssertEqual(makeDivisible(5), 8)
        XCTAssertEqual(makeDivisible(12), 16)
        XCTAssertEqual(makeDivisible(1280 * 1.3), 1664)
    }

    func testAlpha1ChannelCounts() {
        let a = MobileNetV2Architecture(alpha: 1.0)
        XCTAssertEqual(a.stemChannels, 32)
        XCTAssertEqual(a.blocks.map(\.outChannels), [16, 24, 24, 32, 32, 32, 64, 64, 64, 64, 96, 96, 96, 160, 160, 160, 320])
        XCTAssertEqual(a.headChannels, 1280)
        XCTAssertEqual(a.blocks.filter(\.hasAdd).map(\.id), [2, 4, 5, 7, 8, 9, 11, 12, 14, 15])
        XCTAssertEqual(a.alpha, 1.0)
    }

    /// Keras reports 3,538,984 parameters and 156 layers for MobileNetV2(alpha=1.0) with the top.
    func testAlpha1LayerTableTotals() {
        let layers = MobileNetV2Architecture(alpha: 1.0).layers(height: 224, width: 224)
        XCTAssertEqual(layers.count, 156)
        XCTAssertEqual(layers.reduce(0) { $0 + $1.parameters }, 3_538_984)
        XCTAssertEqual(layers.first { $0.name == "block_1_pad" }?.shape, TensorShape(height: 113, width: 113, channels: 96))
        XCTAssertEqual(layers.first { $0.name == "out_relu" }?.shape, TensorShape(height: 7, width: 7, channels: 1280))
        XCTAssertEqual(layers.first { $0.name == "block_1_expand_relu" }?.alias, "block_1_conv1")
    }

    func testOddInputSizesHalveUpwards() {
        let layers = MobileNetV2Architecture(alpha: 0.35).layers(height: 81, width: 97)
        XCTAssertEqual(layers.first { $0.name == "Conv1" }?.shape, TensorShape(height: 41, width: 49, channels: 16))
        XCTAssertEqual(layers.first { $0.name == "block_1_pad" }?.shape, TensorShape(height: 43, width: 51, channels: 48))
        XCTAssertEqual(layers.first { $0.name == "out_relu" }?.shape, TensorShape(height: 3, width: 4, channels: 1280))
    }

    func testArchitectureFromChannelCountsRecognisesPublishedWidths() {
        for alpha in MobileNetV2Architecture.publishedAlphas {
            let a = MobileNetV2Architecture(alpha: alpha)
            let b = MobileNetV2Architecture(
                stemChannels: a.stemChannels, blockOutputs: a.blocks.map(\.outChannels),
                headChannels: a.headChannels, classes: nil)
            XCTAssertEqual(b.alpha, alpha)
            XCTAssertNil(b.classes)
        }
    }
}
