import XCTest
import FeatureMapsEngine
@testable import FeatureMaps

// TopImagesJob on the fixture MobileNetV2 against a plain recomputation: every image's map from
// Session.activations, each channel's max sorted by value (then input order), top k kept; the crop
// box inside the original image; a vector layer and k = 0 refused.
final class TopImagesJobTests: XCTestCase {
    func testRankingMatchesSortingEveryImagesMaximum() throws {
        let session = try Session.open(weightsFlag: Fixtures.fixtureWeights)
        let paths = ["fixture.png", "fixture_odd.png", "codec/jpeg_rgb420.jpg", "codec/png_l8.png"].map { Fixtures.path("Fixtures/images/" + $0) }
        XCTAssertGreaterThanOrEqual(paths.count, 3)
        let layer = try session.resolve("block_3_expand_relu")
        let job = try TopImagesJob(session: session, layer: layer, channels: [0, 5, 7], k: 2, score: .max, threads: 1)
        var maps: [NDArray] = []
        for (i, p) in paths.enumerated() {
            let image = try session.prepare(imageAt: p)
            try job.add(image, order: i)
            maps.append(try session.activations(image, layers: [layer])[layer.key]!)
        }
        let rows = job.rows
        XCTAssertEqual(rows.count, 6)
        for (n, channel) in [0, 5, 7].enumerated() {
            let c = maps[0].shape[2]
            var best: [(order: Int, value: Float)] = []
            for (i, m) in maps.enumerated() {
                let values: [Float] = stride(from: channel, to: m.data.count, by: c).map { m.data[$0] }
                best.append((i, values.max()!))
            }
            best.sort { $0.value != $1.value ? $0.value > $1.value : $0.order < $1.order }
            let mine = Array(rows[2 * n..<2 * n + 2])
            XCTAssertEqual(rows[2 * n].channel, channel)
            XCTAssertEqual(mine.map { $0.order }, best.prefix(2).map { $0.order }, "channel \(channel)")
            XCTAssertEqual(mine.map { $0.value }, best.prefix(2).map { $0.value }, "channel \(channel)")
        }
        for r in rows {
            XCTAssertFalse(r.box.rows.isEmpty || r.box.cols.isEmpty, "\(r)")
        }
        XCTAssertThrowsError(try TopImagesJob(session: session, layer: try session.resolve("predictions"), channels: [0], k: 1, score: .max))
        XCTAssertThrowsError(try TopImagesJob(session: session, layer: layer, channels: [0], k: 0, score: .max))
    }
}
