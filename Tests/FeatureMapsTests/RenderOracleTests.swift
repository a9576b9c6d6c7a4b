import Foundation
import XCTest
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsRender

/// Grid colours against an independent oracle: matplotlib's viridis with imshow's default
/// normalisation, applied to Keras's own activations (Fixtures/reference/render, made by
/// Scripts/make_render_oracle.py). Every map pixel of every tile is checked.
final class RenderOracleTests: XCTestCase {
    func testTileColoursMatchMatplotlibOnKerasActivations() throws {
        let manifest = try Fixtures.json("Fixtures/reference/render/manifest.json")
        let session = try Session.open(weightsFlag: Fixtures.fixtureWeights)
        let image = try session.prepare(imageAt: Fixtures.fixtureImage)
        for layer in try XCTUnwrap(manifest["layers"] as? [[String: Any]]) {
            let name = try XCTUnwrap(layer["name"] as? String)
            let channels = try XCTUnwrap(layer["channels"] as? [Int])
            let value = try XCTUnwrap(try session.activations(image, layers: [session.resolve(name)])[name])
            let map = Tensor(height: value.shape[0], width: value.shape[1], channels: value.shape[2], data: value.data)
            for normalization in Normalization.allCases {
                let file = try XCTUnwrap(layer[normalization == .channel ? "channel_file" : "layer_file"] as? String)
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("Fixtures/reference/render/" + file))))
                let (shape, expected) = try NPY.decodeFloat32(bytes)  // [H, W, K, 3]
                XCTAssertEqual(shape, [map.height, map.width, channels.count, 3])
                let spec = GridSpec(layerName: name, selection: .list(channels), normalization: normalization, columns: 5)
                let grid = try GridRenderer.render(map, spec: spec)
                XCTAssertEqual(grid.channels, channels)
                var exact = 0, total = 0, worst = 0
                for (k, tile) in grid.tiles.enumerated() {
                    for y in 0..<map.height {
                        for x in 0..<map.width {
                            let px = tile.x + x * tile.factor + tile.factor / 2, py = tile.y + y * tile.factor + tile.factor / 2
                            var d = 0
                            for c in 0..<3 {
                                let ours = Int(grid.image.pixels[(py * grid.image.width + px) * 3 + c])
                                let theirs = Int(expected[((y * map.width + x) * channels.count + k) * 3 + c])
                                d = max(d, abs(ours - theirs))
                            }
                            worst = max(worst, d)
                            exact += d == 0 ? 1 : 0
                            total += 1
                        }
                    }
                }
                // Engine and Keras differ by ~1e-6 relative, which can move a value across a colour
                // boundary (adjacent viridis entries differ by at most 4 levels) on a handful of pixels.
                XCTAssertLessThanOrEqual(worst, 4, "\(name) \(normalization): worst colour difference")
                XCTAssertGreaterThanOrEqual(Double(exact) / Double(total), 0.995, "\(name) \(normalization): exact share")
                print("render oracle \(name) \(normalization): \(exact)/\(total) exact, worst \(worst)")
            }
        }
    }
}
