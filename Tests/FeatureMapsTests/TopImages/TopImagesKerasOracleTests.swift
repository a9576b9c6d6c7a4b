import Foundation
import XCTest
@testable import FeatureMaps

// TopImagesJob against Keras: Fixtures/reference/top_images/scores.json holds, from
// Scripts/make_top_images_fixtures.py, every channel's max and mean over the map of three layers
// of the fixture MobileNetV2 on the 12 images beside it (224 x 224, fed without resize). With
// k = 12 the job ranks every image; for each channel its order must be a ranking of Keras's values
// and each value must be Keras's, both within 1e-4 of the channel's largest |value| (Keras values
// that close may come in either order: featuremaps breaks exact ties by input order).
final class TopImagesKerasOracleTests: XCTestCase {
    static let tolerance: Float = 1e-4

    struct Oracle {
        let images: [String]
        /// layer -> score -> [image][channel]
        let values: [String: [String: [[Float]]]]
    }

    func testRankingAndValuesMatchKeras() throws {
        let oracle = try Self.loadOracle()
        let session = try Session.open(weightsFlag: Fixtures.fixtureWeights)
        let prepared = try oracle.images.map { try session.prepare(imageAt: Fixtures.path("Fixtures/reference/top_images/images/" + $0)) }
        XCTAssertEqual(oracle.images.count, 12)
        for (layerName, byScore) in oracle.values.sorted(by: { $0.key < $1.key }) {
            let layer = try session.resolve(layerName)
            for score in TopImagesScore.allCases {
                let keras = try XCTUnwrap(byScore[score.rawValue])
                let channels = Array(0..<keras[0].count)
                let job = try TopImagesJob(session: session, layer: layer, channels: channels, k: prepared.count, score: score, threads: 1)
                for (i, image) in prepared.enumerated() { try job.add(image, order: i) }
                let rows = job.rows
                XCTAssertEqual(rows.count, channels.count * prepared.count)
                var worst: Float = 0
                for c in channels {
                    let mine = rows.filter { $0.channel == c }
                    let problems = Self.compare(
                        order: mine.map(\.order), values: mine.map(\.value), keras: keras.map { $0[c] }, worst: &worst)
                    XCTAssert(problems.isEmpty, "\(layerName) by \(score) channel \(c): \(problems.joined(separator: "; "))")
                }
                print("\(layerName) by \(score): \(channels.count) channels, max difference \(worst) of the channel's largest value")
            }
        }
    }

    /// The checker itself rejects a wrong order and a wrong value (so the test above can fail).
    func testComparisonRejectsASwapAndAWrongValue() {
        var worst: Float = 0
        let keras: [Float] = [1.0, 3.0, 2.0]
        XCTAssertEqual(Self.compare(order: [1, 2, 0], values: [3, 2, 1], keras: keras, worst: &worst), [])
        XCTAssertFalse(Self.compare(order: [2, 1, 0], values: [2, 3, 1], keras: keras, worst: &worst).isEmpty)
        XCTAssertFalse(Self.compare(order: [1, 2, 0], values: [3, 2.01, 1], keras: keras, worst: &worst).isEmpty)
        XCTAssertFalse(Self.compare(order: [1, 2], values: [3, 2], keras: keras, worst: &worst).isEmpty, "an image missing")
        // Keras values within tolerance of each other: either order is accepted.
        XCTAssertEqual(Self.compare(order: [1, 0], values: [5, 5], keras: [5, 5.0001], worst: &worst), [])
    }

    /// Problems with a ranking `order` (image indices, best first) and its `values` against Keras's
    /// value of each image: every image once; each value within tolerance * the largest |Keras
    /// value|; no image ranked above one whose Keras value is larger by more than that.
    static func compare(order: [Int], values: [Float], keras: [Float], worst: inout Float) -> [String] {
        var problems: [String] = []
        guard order.count == keras.count, Set(order) == Set(keras.indices) else {
            return ["ranks images \(order), expected each of 0..<\(keras.count) once"]
        }
        let tol = tolerance * max(keras.map(abs).max()!, Float.leastNormalMagnitude)
        for (o, v) in zip(order, values) {
            let d = abs(v - keras[o])
            worst = max(worst, d / (tol / tolerance))
            if d > tol { problems.append("image \(o): \(v), Keras \(keras[o]) (difference \(d) > \(tol))") }
        }
        for i in order.indices {
            for j in (i + 1)..<order.count where keras[order[j]] > keras[order[i]] + tol {
                problems.append("image \(order[i]) (Keras \(keras[order[i]])) ranked above image \(order[j]) (Keras \(keras[order[j]]))")
            }
        }
        return problems
    }

    static func loadOracle() throws -> Oracle {
        let url = URL(fileURLWithPath: Fixtures.path("Fixtures/reference/top_images/scores.json"))
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let images = try XCTUnwrap(doc["images"] as? [String])
        let layers = try XCTUnwrap(doc["layers"] as? [String: [String: Any]])
        var values: [String: [String: [[Float]]]] = [:]
        for (name, entry) in layers {
            for score in ["max", "mean"] {
                let table = try XCTUnwrap(entry[score] as? [[Double]], "\(name) \(score)")
                values[name, default: [:]][score] = table.map { $0.map { Float($0) } }
            }
        }
        return Oracle(images: images, values: values)
    }
}
