import XCTest
@testable import FeatureMapsEngine

final class StagesTests: XCTestCase {
    /// The MobileNetV2 paper (Sandler et al. 2018, table 4) gives 300 M multiply-adds for width 1.0 at 224;
    /// the sum is also recomputed here from the block table, independently of the layer table.
    func testMultiplyAddsMatchThePaperAndTheBlockTable() {
        let a = MobileNetV2Architecture(alpha: 1.0)
        let total = a.layers(height: 224, width: 224).reduce(0) { $0 + MobileNetV2Architecture.multiplyAdds(of: $1) }
        var expected = 112 * 112 * 27 * 32
        var side = 112
        for b in a.blocks {
            if b.hasExpand { expected += side * side * b.inChannels * b.expandedChannels }
            if b.stride == 2 { side /= 2 }
            expected += side * side * (9 * b.expandedChannels + b.expandedChannels * b.outChannels)
        }
        expected += 7 * 7 * 320 * 1280 + 1280 * 1000
        XCTAssertEqual(total, expected)
        XCTAssertEqual(Double(total) / 1e6, 300, accuracy: 1.0)
    }

    func testEveryLayerHasItsStage() {
        let layers = MobileNetV2Architecture(alpha: 0.35).layers(height: 96, width: 96)
        let stages = layers.map { MobileNetV2Architecture.stage(ofLayer: $0.name) }
        var order: [String] = []
        for s in stages where order.last != s { order.append(s) }
        XCTAssertEqual(order, ["input", "stem"] + (0...16).map { "block_\($0)" } + ["head", "classifier"])
        XCTAssertEqual(MobileNetV2Architecture.stage(ofLayer: "block_16_project_BN"), "block_16")
        XCTAssertEqual(MobileNetV2Architecture.stage(ofLayer: "expanded_conv_depthwise_relu"), "block_0")
        XCTAssertEqual(MobileNetV2Architecture.stage(ofLayer: "out_relu"), "head")
    }
}
