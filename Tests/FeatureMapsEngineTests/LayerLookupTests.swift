import XCTest
import FeatureMapsEngine

final class LayerLookupTests: XCTestCase {
    let lookup = LayerLookup(layers: MobileNetV2Architecture(alpha: 1.0).layers(height: 224, width: 224))

    func testAliasesResolveToExpandReLU() throws {
        for n in 1...16 {
            let r = try lookup.resolve("block_\(n)_conv1")
            XCTAssertEqual(r.layer.name, "block_\(n)_expand_relu")
            XCTAssertTrue(r.isAlias)
        }
        XCTAssertEqual(try lookup.resolve("block_1_conv1").layer.shape, TensorShape(height: 112, width: 112, channels: 96))
        XCTAssertThrowsError(try lookup.resolve("block_0_conv1"))
        XCTAssertThrowsError(try lookup.resolve("block_17_conv1"))
    }

    func testKerasNamesResolveToThemselves() throws {
        for name in ["Conv1", "bn_Conv1", "expanded_conv_project_BN", "block_16_project", "out_relu", "predictions"] {
            let r = try lookup.resolve(name)
            XCTAssertEqual(r.layer.name, name)
            XCTAssertFalse(r.isAlias)
        }
    }

    func testUnknownNameSuggestsClosest() {
        XCTAssertThrowsError(try lookup.resolve("block_1_expnad")) { error in
            guard case .unknownLayer(let name, let suggestions) = error as? LayerLookupError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "block_1_expnad")
            XCTAssertEqual(suggestions.count, 3)
            XCTAssertEqual(suggestions.first, "block_1_expand")
            XCTAssert("\(error)".contains("block_1_expand"))
        }
    }
}
