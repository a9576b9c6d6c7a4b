import XCTest
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsWeights

/// Many images on several workers: results in input order, failures in their place, and the same
/// probabilities as one image at a time.
final class ParallelClassifyTests: XCTestCase {
    func testWorkersKeepOrderAndResults() throws {
        let weights = try WeightsLoader.load(path: Fixtures.fixtureWeights)
        let session = try Session(
            weights: weights, location: WeightsLocation(path: Fixtures.fixtureWeights, source: .flag),
            inputSize: 96)
        let good = Fixtures.fixtureImage
        let paths = [good, "/nonexistent/missing.png", good, good, Fixtures.path("Fixtures/README.md"), good]
        let serial = session.classifyAll(paths, top: 5, threads: 1)
        let parallel = session.classifyAll(paths, top: 5, threads: 3)
        XCTAssertEqual(parallel.count, paths.count)
        for (i, (a, b)) in zip(serial, parallel).enumerated() {
            switch (a, b) {
            case (.success(let x), .success(let y)):
                XCTAssertEqual(x.map(\.classIndex), y.map(\.classIndex), "image \(i)")
                XCTAssertEqual(x.map(\.probability), y.map(\.probability), "image \(i)")
            case (.failure, .failure):
                XCTAssert(i == 1 || i == 4, "image \(i) should have succeeded")
            default:
                XCTFail("image \(i): serial \(a), parallel \(b)")
            }
        }
        let single = try session.classify(try session.prepare(imageAt: good), top: 5)
        XCTAssertEqual(try parallel[5].get().map(\.probability), single.map(\.probability))
    }
}
