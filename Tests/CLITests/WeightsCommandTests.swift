import Foundation
import XCTest
import WeightsServer

/// `featuremaps weights path | info | fetch`.
final class WeightsCommandTests: XCTestCase {
    static let kerasName = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224.h5"

    func testPathSaysWhichFileAndWhy() throws {
        let home = try CLI.temporaryDirectory(self)
        let cached = home + "/models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"
        let flag = try CLI.run(["weights", "path", "--weights", CLI.fixtureWeights], environment: ["KERAS_HOME": home])
        XCTAssertEqual(flag.stdout, "\(CLI.fixtureWeights)\ngiven by --weights\n")
        let env = try CLI.run(["weights", "path"], environment: ["KERAS_HOME": home, "FEATUREMAPS_WEIGHTS": CLI.fixtureWeights])
        XCTAssertEqual(env.stdout, "\(CLI.fixtureWeights)\ngiven by FEATUREMAPS_WEIGHTS\n")

        let download = try CLI.run(
            ["weights", "path"],
            environment: [
                "KERAS_HOME": home, "FEATUREMAPS_OFFLINE": "",
                "FEATUREMAPS_WEIGHTS_URL": "http://127.0.0.1:9/mirror",
            ])
        XCTAssertEqual(download.status, 0, download.stderr)
        XCTAssertEqual(
            download.stdout,
            "\(cached)\nnot there yet: would download from "
                + "http://127.0.0.1:9/mirror/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5 (FEATUREMAPS_WEIGHTS_URL)\n")
        let offline = try CLI.run(["weights", "path"], environment: ["KERAS_HOME": home])
        XCTAssertEqual(offline.status, 66)
        XCTAssert(offline.stderr.contains("no weights at \(cached) and downloading is off (FEATUREMAPS_OFFLINE=1)"), offline.stderr)

        try FileManager.default.createDirectory(atPath: home + "/models", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: cached, withDestinationPath: CLI.fixtureWeights)
        let cache = try CLI.run(["weights", "path"], environment: ["KERAS_HOME": home])
        XCTAssertEqual(cache.stdout, "\(cached)\nfound in the Keras cache (KERAS_HOME=\(home))\n")

        let missing = try CLI.run(["weights", "path", "--weights", home + "/nope.h5"])
        XCTAssertEqual(missing.status, 66)
        XCTAssert(missing.stderr.contains("'\(home)/nope.h5' does not exist"), missing.stderr)
        let badURL = try CLI.run(
            ["weights", "path"],
            environment: [
                "HOME": home, "FEATUREMAPS_OFFLINE": "0",
                "FEATUREMAPS_WEIGHTS_URL": "file:///srv/weights",
            ])
        XCTAssertEqual(badURL.status, 66)
        XCTAssert(badURL.stderr.contains("FEATUREMAPS_WEIGHTS_URL='file:///srv/weights' cannot be used"), badURL.stderr)
    }

    /// Size and SHA-256 against the file system and sha256sum; the parameter count against
    /// Keras's own count_params() recorded in Fixtures/reference/layers_0.35_224.json.
    func testInfoDescribesAndChecksAFile() throws {
        let dir = try CLI.temporaryDirectory(self)
        let named = dir + "/" + Self.kerasName
        try FileManager.default.copyItem(atPath: CLI.fixtureWeights, toPath: named)
        let r = try CLI.run(["weights", "info", named])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: named)[.size] as? Int)
        let keras = try XCTUnwrap(
            JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: CLI.fixture("reference/layers_0.35_224.json")))) as? [String: Any])
        let params = try XCTUnwrap(keras["total_params"] as? Int)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(
            Array(lines.prefix(7)),
            [
                "file        \(named)",
                "size        \(size) bytes (\(String(format: "%.1f", Double(size) / 1e6)) MB)",
                "sha256      \(try sha256sum(named))",
                "alpha       0.35",
                "resolution  224 x 224 (from the file name)",
                "top         with the classification top (1000 classes)",
                "parameters  \(params)",
            ])
        XCTAssert(lines.last!.hasPrefix("check       OK: all 105 MobileNetV2 layers with weights are there"), lines.last!)

        // Not a Keras name: no resolution. Default file: FEATUREMAPS_WEIGHTS.
        let plain = try CLI.run(["weights", "info"], environment: ["FEATUREMAPS_WEIGHTS": CLI.fixtureWeights])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssert(plain.stdout.contains("resolution  not known (the file name is not Keras's ..._<alpha>_<rows>.h5)"), plain.stdout)

        // A name that promises another variant: said on stderr.
        let liar = dir + "/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5"
        try FileManager.default.createSymbolicLink(atPath: liar, withDestinationPath: CLI.fixtureWeights)
        let lying = try CLI.run(["weights", "info", liar])
        XCTAssertEqual(lying.status, 0, lying.stderr)
        XCTAssert(lying.stdout.contains("resolution  160 x 160 (from the file name)"), lying.stdout)
        XCTAssert(
            lying.stderr.contains("the file name promises alpha 1.0 without top, but it holds MobileNetV2 alpha 0.35 with a 1000-class top"),
            lying.stderr)
    }

    func testInfoOnABadFileSaysWhatIsWrongAndExits66() throws {
        let notMobileNet = CLI.fixture("weights/split_layer_names.h5")
        let r = try CLI.run(["weights", "info", notMobileNet])
        XCTAssertEqual(r.status, 66)
        XCTAssert(r.stdout.hasPrefix("file        \(notMobileNet)\n"), r.stdout)
        XCTAssert(r.stdout.contains("sha256      \(try sha256sum(notMobileNet))"), r.stdout)
        // No "check" line: the check never ran. (Match the line, not the word: paths may hold it.)
        XCTAssertFalse(r.stdout.split(separator: "\n").contains { $0.hasPrefix("check ") }, r.stdout)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssert(r.stderr.contains(notMobileNet) && r.stderr.contains("no layer 'Conv1'"), r.stderr)

        let missing = try CLI.run(["weights", "info", "/nonexistent/w.h5"])
        XCTAssertEqual(missing.status, 66)
        XCTAssert(missing.stderr.contains("'/nonexistent/w.h5' does not exist"), missing.stderr)
        let none = try CLI.run(["weights", "info"])
        XCTAssertEqual(none.status, 66)
        XCTAssert(none.stderr.contains("no MobileNetV2 weights found"), none.stderr)
    }

    func testFetchDownloadsOnceRefusesUnknownVariantsAndForces() throws {
        let server = try WeightsServer(self)
        let home = try CLI.temporaryDirectory(self)
        let env = ["KERAS_HOME": home, "FEATUREMAPS_OFFLINE": "0", "FEATUREMAPS_WEIGHTS_URL": server.baseURL("good")]
        let path = home + "/models/" + Self.kerasName
        let first = try CLI.run(["weights", "fetch", "--alpha", "0.350"], environment: env)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, path + "\n")
        let again = try CLI.run(["weights", "fetch", "--alpha", "0.35"], environment: env)
        XCTAssertEqual(again.stdout, path + "\n")
        XCTAssertEqual(again.stderr, "featuremaps: already in the Keras cache, not downloaded (--force downloads it again)\n")
        XCTAssertEqual(server.requests.count, 1)
        let forced = try CLI.run(["weights", "fetch", "--alpha", "0.35", "--force"], environment: env)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(server.requests, Array(repeating: "/good/" + Self.kerasName, count: 2))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: home + "/models"), [Self.kerasName])

        let alpha = try CLI.run(["weights", "fetch", "--alpha", "0.6"], environment: env)
        XCTAssertEqual(alpha.status, 64)
        XCTAssert(alpha.stderr.contains("--alpha 0.6 has no Keras weights: use one of 0.35, 0.5, 0.75, 1.0, 1.3, 1.4"), alpha.stderr)
        let rows = try CLI.run(["weights", "fetch", "--rows", "100"], environment: env)
        XCTAssertEqual(rows.status, 64)
        XCTAssert(rows.stderr.contains("--rows 100 has no Keras weights: use one of 96, 128, 160, 192, 224"), rows.stderr)
        let classify = try CLI.run(["classify", "--alpha", "2", CLI.fixture("images/fixture.png")], environment: env)
        XCTAssertEqual(classify.status, 64)
        XCTAssert(classify.stderr.contains("--alpha 2 has no Keras weights"), classify.stderr)
        let both = try CLI.run(["classify", "--alpha", "0.35", "--weights", CLI.fixtureWeights, CLI.fixture("images/fixture.png")])
        XCTAssertEqual(both.status, 64)
        XCTAssertEqual(server.requests.count, 2, "refused options must not download")

        let offline = try CLI.run(["weights", "fetch", "--alpha", "0.5", "--rows", "96", "--no-top"], environment: ["KERAS_HOME": home])
        XCTAssertEqual(offline.status, 66)
        XCTAssert(
            offline.stderr.contains(
                "no weights at \(home)/models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_96_no_top.h5 "
                    + "and downloading is off (FEATUREMAPS_OFFLINE=1)"), offline.stderr)
    }
}
