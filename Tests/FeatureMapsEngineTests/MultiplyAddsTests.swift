import XCTest
@testable import FeatureMapsEngine

/// What `featuremaps bench` divides by: Arithmetic.multiplyAdds summed over MobileNetV2's graph.
final class MultiplyAddsTests: XCTestCase {
    /// The MobileNetV2 paper (Sandler et al. 2018, table 4) gives 300 M multiply-adds for width 1.0 at 224;
    /// the sum is also recomputed here from the block table, independently of the graph.
    func testMultiplyAddsMatchThePaperAndTheBlockTable() throws {
        let a = MobileNetV2Architecture(alpha: 1.0)
        let graph = try MobileNetV2Graph.graph(randomMobileNetV2Weights(alpha: 1.0, classes: 1000))
        let total = graph.nodes.reduce(0) { sum, n in
            sum + Arithmetic.multiplyAdds(n.layer, inputs: n.inputs.map(graph.shape(of:)), output: graph.shape(of: n.output))
        }
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
}
