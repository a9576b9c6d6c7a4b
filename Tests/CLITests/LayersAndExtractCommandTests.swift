import Foundation
import XCTest
import FeatureMaps

final class LayersAndExtractCommandTests: XCTestCase {
    func testLayersTableListsEveryKerasLayerWithAliases() throws {
        let r = try CLI.run(["layers", "--alpha", "1.0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = r.stdout.split(separator: "\n")
        let expand = try XCTUnwrap(rows.first { $0.hasPrefix("block_1_expand_relu ") })
        XCTAssert(expand.contains("ReLU") && expand.contains("112x112x96") && expand.contains("block_1_conv1"), String(expand))
        XCTAssert(r.stdout.contains("156 layers, 3538984 parameters"), r.stdout)
    }

    func testLayersJSONFromWeightsFile() throws {
        let r = try CLI.run(["layers", "--json", "--input-size", "160", "--weights", CLI.fixtureWeights])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["alpha"] as? Double, 0.35)
        let layers = try XCTUnwrap(json["layers"] as? [[String: Any]])
        XCTAssertEqual(layers.count, 156)
        XCTAssertEqual(layers.first { $0["name"] as? String == "out_relu" }?["shape"] as? [Int], [5, 5, 1280])
    }

    /// extract on the 224x224 fixture PNG agrees with Keras on the reference layers (1e-4 relative).
    func testExtractWritesNumPyFilesThatMatchKeras() throws {
        try extractAndCompare(weights: CLI.fixtureWeights, reference: "reference/fixture_0.35")
    }

    func testExtractWithRealWeightsMatchesKeras() throws {
        try extractAndCompare(weights: try CLI.shared("weights/mobilenet_v2_1.0_224_dequantized.h5"), reference: "reference/real_1.0")
    }

    private func extractAndCompare(weights: String, reference: String) throws {
        let out = try CLI.temporaryDirectory(self) + "/npy out"
        let manifest = try XCTUnwrap(
            JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: CLI.fixture(reference + "/manifest.json")))) as? [String: Any])
        let layers = try XCTUnwrap(manifest["layers"] as? [[String: Any]])
        let names = layers.compactMap { $0["name"] as? String }.filter { $0 != "predictions" }
        let r = try CLI.run([
            "extract", "--weights", weights, "--layers", names.joined(separator: ","), "--out", out,
            CLI.fixture("images/fixture.png"),
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").map(String.init), names.map { "\(out)/fixture_\($0).npy" })
        for layer in layers where names.contains(layer["name"] as! String) {
            let name = layer["name"] as! String
            let (shape, values) = try NPY.decodeFloat32([UInt8](Data(contentsOf: URL(fileURLWithPath: "\(out)/fixture_\(name).npy"))))
            let full = layer["shape"] as! [Int]
            XCTAssertEqual(shape, full, "\(name): Keras's shape, (C,) for a vector")
            let channels = layer["channels"] as! [Int]
            let (_, expected) = try NPY.decodeFloat32([UInt8](Data(contentsOf: URL(fileURLWithPath: CLI.fixture("\(reference)/\(layer["file"]!)")))))
            let c = shape.last!
            var worst: Float = 0, scale: Float = 0
            for p in 0..<(values.count / c) {
                for (k, ch) in channels.enumerated() {
                    let e = expected[p * channels.count + k]
                    scale = max(scale, abs(e))
                    worst = max(worst, abs(values[p * c + ch] - e))
                }
            }
            XCTAssertLessThanOrEqual(worst, 1e-4 * scale, "\(reference) \(name): max |diff| \(worst), max |keras| \(scale)")
        }
    }

    func testAliasIsExplainedOnStderrAndNamesTheFile() throws {
        let out = try CLI.temporaryDirectory(self)
        let r = try CLI.run([
            "extract", "--weights", CLI.fixtureWeights, "--layers", "block_1_conv1", "--out", out,
            CLI.fixture("images/fixture.png"),
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "block_1_conv1 = block_1_expand_relu (112x112x48)\n")
        XCTAssertEqual(r.stdout, "\(out)/fixture_block_1_conv1.npy\n")
    }

    func testUnknownLayerSuggestsAndWritesNothing() throws {
        let out = try CLI.temporaryDirectory(self)
        let r = try CLI.run([
            "extract", "--weights", CLI.fixtureWeights, "--layers", "block_3_conv", "--out", out,
            CLI.fixture("images/fixture.png"),
        ])
        XCTAssertEqual(r.status, 64)
        XCTAssert(r.stderr.contains("block_3_conv1"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [])
    }
}
