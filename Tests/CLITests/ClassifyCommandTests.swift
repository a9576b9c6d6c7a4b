import Foundation
import XCTest

final class ClassifyCommandTests: XCTestCase {
    func testClassifyPrintsRankedClassesWithWordNetIDs() throws {
        let r = try CLI.run(["classify", "--weights", CLI.fixtureWeights, CLI.fixture("images/fixture.png")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, r.stdout)
        guard lines.count == 4 else { return }
        XCTAssertEqual(lines[0], CLI.fixture("images/fixture.png"))
        // Keras's top-1 for this image and model is class 238 (Fixtures/reference/fixture_0.35/manifest.json).
        XCTAssert(lines[1].hasPrefix("  1. ") && lines[1].hasSuffix("  238"), lines[1])
        XCTAssert(lines[1].contains("n02107574"), lines[1])  // WordNet id of class 238
        XCTAssert(lines[3].hasPrefix("  3. "), lines[3])
    }

    func testClassifyJSONHasTopKDescending() throws {
        let r = try CLI.run(["classify", "--json", "--top", "5", "--weights", CLI.fixtureWeights, CLI.fixture("images/fixture.png")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let results = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        let predictions = try XCTUnwrap(results.first?["predictions"] as? [[String: Any]])
        XCTAssertEqual(predictions.count, 5)
        let p = predictions.compactMap { $0["probability"] as? Double }
        XCTAssertEqual(p, p.sorted(by: >))
        XCTAssertEqual(predictions.compactMap { $0["index"] as? Int }, [238, 607, 521, 284, 878])  // Keras's top-5
        XCTAssertEqual(predictions.first?["rank"] as? Int, 1)
    }

    func testRealPhotosGetTheirTop1() throws {
        let weights = try CLI.shared("weights/mobilenet_v2_1.0_224_dequantized.h5")
        let photos = try ["cat.png", "bird.png", "grace_hopper.jpg", "parrot.jpg"].map { try CLI.shared("images/" + $0) }
        let r = try CLI.run(["classify", "--top", "1", "--weights", weights] + photos)
        XCTAssertEqual(r.status, 0, r.stderr)
        let top1 = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  1. ") }
        XCTAssertEqual(top1.count, 4, r.stdout)
        for (line, label) in zip(top1, ["Egyptian cat", "chickadee", "military uniform", "macaw"]) {
            XCTAssert(line.contains(label), "expected \(label): \(line)")
        }
    }

    func testMissingImageFailsWithOneLineAndStatus65() throws {
        let r = try CLI.run(["classify", "--weights", CLI.fixtureWeights, "/nonexistent/photo.jpg"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssert(r.stderr.contains("/nonexistent/photo.jpg"), r.stderr)
    }

    func testOneBadImageAmongGoodOnesIsPartialFailure() throws {
        let r = try CLI.run(["classify", "--weights", CLI.fixtureWeights, "/nonexistent.png", CLI.fixture("images/fixture.png")])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssert(r.stdout.contains("fixture.png"), r.stdout)
        XCTAssert(r.stderr.contains("/nonexistent.png"), r.stderr)
    }

    func testNoWeightsListsWhereItLookedAndExits66() throws {
        let home = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["classify", CLI.fixture("images/fixture.png")], environment: ["HOME": home])
        XCTAssertEqual(r.status, 66)
        XCTAssert(r.stderr.contains(home + "/.keras/models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"), r.stderr)
        XCTAssert(r.stderr.contains("--weights"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    func testWeightsFromEnvironmentAndKerasCache() throws {
        let viaEnv = try CLI.run(["classify", CLI.fixture("images/fixture.png")], environment: ["FEATUREMAPS_WEIGHTS": CLI.fixtureWeights])
        XCTAssertEqual(viaEnv.status, 0, viaEnv.stderr)
        let kerasHome = try CLI.temporaryDirectory(self)
        try FileManager.default.createDirectory(atPath: kerasHome + "/models", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: kerasHome + "/models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5", withDestinationPath: CLI.fixtureWeights)
        let viaCache = try CLI.run(["classify", CLI.fixture("images/fixture.png")], environment: ["KERAS_HOME": kerasHome])
        XCTAssertEqual(viaCache.status, 0, viaCache.stderr)
        XCTAssertEqual(viaCache.stdout, viaEnv.stdout)
    }

    func testBadWeightsAndBadOptions() throws {
        let notH5 = try CLI.temporaryDirectory(self) + "/w.h5"
        _ = FileManager.default.createFile(atPath: notH5, contents: Data("hello".utf8))
        let r = try CLI.run(["classify", "--weights", notH5, CLI.fixture("images/fixture.png")])
        XCTAssertEqual(r.status, 66)
        XCTAssert(r.stderr.contains(notH5) && r.stderr.contains("not an HDF5"), r.stderr)
        for args in [["--top", "0"], ["--top", "1001"], ["--input-size", "16"]] {
            let bad = try CLI.run(["classify", "--weights", CLI.fixtureWeights] + args + [CLI.fixture("images/fixture.png")])
            XCTAssertEqual(bad.status, 64, "\(args): \(bad.stderr)")
            XCTAssert(bad.stderr.contains(args[1]), bad.stderr)
        }
    }
}
