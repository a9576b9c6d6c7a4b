import Foundation
import XCTest
import WeightsServer

/// The binary with an empty Keras cache (a temporary KERAS_HOME per test) and
/// FEATUREMAPS_WEIGHTS_URL pointing at a local server that serves the fixture weights (alpha 0.35,
/// 224, with top) under Keras's file names, well or badly. A failure must say why in one line,
/// exit 66 and leave no file at all in the cache.
final class DownloadCommandTests: XCTestCase {
    static let fileName = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224.h5"
    static let fixtureSize = (try? FileManager.default.attributesOfItem(atPath: CLI.fixtureWeights)[.size] as? Int) ?? -1

    /// KERAS_HOME and the environment that downloads from `server` in `mode`.
    func setting(_ server: WeightsServer, _ mode: String, _ extra: [String: String] = [:]) throws -> (env: [String: String], cache: String) {
        let home = try CLI.temporaryDirectory(self)
        let env = [
            "KERAS_HOME": home, "FEATUREMAPS_OFFLINE": "0", "FEATUREMAPS_WEIGHTS_URL": server.baseURL(mode),
            "FEATUREMAPS_DOWNLOAD_TIMEOUT": "2",
        ].merging(extra) { $1 }
        return (env, home + "/models")
    }

    func testEmptyCacheDownloadsVerifiesUsesAndThenReuses() throws {
        let server = try WeightsServer(self)
        let (env, cache) = try setting(server, "slow")
        let image = CLI.fixture("images/fixture.png")
        let reference = try CLI.run(["classify", "--weights", CLI.fixtureWeights, image])
        XCTAssertEqual(reference.status, 0, reference.stderr)

        let first = try CLI.run(["classify", "--alpha", "0.35", image], environment: env)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, reference.stdout)
        let url = server.baseURL("slow") + Self.fileName, path = cache + "/" + Self.fileName
        // Not a terminal: one line, written as the download goes.
        XCTAssertEqual(first.stderr.split(separator: "\n").count, 1, first.stderr)
        XCTAssert(first.stderr.hasPrefix("featuremaps: downloading \(url) ... \(Self.fixtureSize) bytes (100%) in "), first.stderr)
        XCTAssert(first.stderr.hasSuffix(" MB/s; verified, saved to \(path)\n"), first.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache), [Self.fileName])
        XCTAssertEqual(FileManager.default.contents(atPath: path), FileManager.default.contents(atPath: CLI.fixtureWeights))
        XCTAssertEqual(server.requests, ["/slow/" + Self.fileName])

        let second = try CLI.run(["classify", "--alpha", "0.35", image], environment: env)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.stdout, reference.stdout)
        XCTAssertEqual(second.stderr, "")
        XCTAssertEqual(server.requests.count, 1, "the second run must use the cached file: \(server.requests)")
        let where_ = try CLI.run(["weights", "path", "--alpha", "0.35"], environment: env)
        XCTAssertEqual(where_.stdout, "\(path)\nfound in the Keras cache (KERAS_HOME=\(env["KERAS_HOME"]!))\n")
    }

    func testEveryFailureSaysWhyExits66AndLeavesTheCacheEmpty() throws {
        let server = try WeightsServer(self)
        let cases: [(mode: String, says: String)] = [
            ("missing", "failed: the server answered HTTP 404 (Not Found); the file is not there"),
            ("short", "failed: the connection ended after \(Self.fixtureSize * 6 / 10) bytes of \(Self.fixtureSize); try again"),
            ("reset", "failed: the connection ended after "),
            ("chunked-cut", "failed: the connection ended after \(Self.fixtureSize / 2) bytes; try again"),
            ("eof-cut", "is not usable: it is not an HDF5 file (or is truncated)"),
            ("not-hdf5", "is not usable: it is not an HDF5 file (or is truncated)"),
            ("wrong-hdf5", "is not usable: no layer 'Conv1'"),
            ("silent", "failed: nothing arrived for 2 s; check the network, or raise FEATUREMAPS_DOWNLOAD_TIMEOUT"),
            ("stall", "failed: nothing arrived for 2 s"),
        ]
        for (mode, says) in cases {
            let (env, cache) = try setting(server, mode)
            let start = Date()
            let r = try CLI.run(["classify", "--alpha", "0.35", CLI.fixture("images/fixture.png")], environment: env)
            let seconds = Date().timeIntervalSince(start)
            XCTAssertEqual(r.status, 66, "\(mode): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", mode)
            let lines = r.stderr.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.count, 2, "\(mode): the progress line, then the error: \(r.stderr)")
            // The progress line ends with "failed"; when the body arrived whole, it says how much first.
            let progress = lines.first ?? ""
            XCTAssert(
                progress.hasPrefix("featuremaps: downloading \(server.baseURL(mode) + Self.fileName) ... ")
                    && progress.hasSuffix(" failed"), "\(mode): \(progress)")
            XCTAssert(
                lines.last!.contains(server.baseURL(mode) + Self.fileName) && lines.last!.contains(says)
                    && lines.last!.hasSuffix("nothing was saved in \(cache)"), "\(mode): \(lines.last!)")
            XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? [], [], "\(mode) left files behind")
            XCTAssertLessThan(seconds, 15, "\(mode) took \(seconds) s")
        }
    }

    func testChecksumMustMatchAnInjectedHash() throws {
        let server = try WeightsServer(self)
        let zeros = String(repeating: "0", count: 64)
        let (env, cache) = try setting(server, "good", ["FEATUREMAPS_WEIGHTS_SHA256": zeros])
        let bad = try CLI.run(["weights", "fetch", "--alpha", "0.35"], environment: env)
        XCTAssertEqual(bad.status, 66, bad.stderr)
        let actual = try sha256sum(CLI.fixtureWeights)
        XCTAssert(bad.stderr.contains("has SHA-256 \(actual), expected \(zeros)"), bad.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache), [])

        let good = try CLI.run(
            ["weights", "fetch", "--alpha", "0.35"],
            environment: env.merging(["FEATUREMAPS_WEIGHTS_SHA256": actual.uppercased()]) { $1 })
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertEqual(good.stdout, cache + "/" + Self.fileName + "\n")
    }

    func testOfflineForbidsDownloadingAndSaysWhatToDo() throws {
        let server = try WeightsServer(self)
        for (args, extra, why) in [(["--offline"], [:], "--offline"), ([], ["FEATUREMAPS_OFFLINE": "1"], "FEATUREMAPS_OFFLINE=1")] {
            let (env, cache) = try setting(server, "good", extra)
            let r = try CLI.run(["classify", "--alpha", "0.35"] + args + [CLI.fixture("images/fixture.png")], environment: env)
            XCTAssertEqual(r.status, 66, r.stderr)
            XCTAssertEqual(
                r.stderr,
                "featuremaps: no weights at \(cache)/\(Self.fileName) and downloading is off (\(why)); "
                    + "pass --weights FILE, set FEATUREMAPS_WEIGHTS, or copy Keras's \(Self.fileName) into \(cache) "
                    + "(featuremaps weights fetch downloads it where the network is reachable)\n")
            XCTAssertFalse(FileManager.default.fileExists(atPath: cache), "offline must not even create the cache")
        }
        XCTAssertEqual(server.requests, [])
    }

    func testAnotherVariantThanRequestedIsRefused() throws {
        let server = try WeightsServer(self)
        for (args, says) in [
            ([String](), "holds MobileNetV2 alpha 0.35 with a 1000-class top, not the requested alpha 1.0 with a 1000-class top"),
            (["--alpha", "0.35", "--no-top"], "not the requested alpha 0.35 without top"),
        ] {
            let (env, cache) = try setting(server, "good")
            let r = try CLI.run(["weights", "fetch"] + args, environment: env)
            XCTAssertEqual(r.status, 66, r.stderr)
            XCTAssert(r.stderr.contains(says), r.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache), [])
        }
    }

    /// Ctrl-C in the middle of a transfer: the temporary file goes with the process.
    func testInterruptRemovesTheTemporaryFile() throws {
        let server = try WeightsServer(self)
        let (env, cache) = try setting(server, "stall", ["FEATUREMAPS_DOWNLOAD_TIMEOUT": "30"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["weights", "fetch", "--alpha", "0.35"]
        process.environment = env.merging(["PATH": "/usr/bin:/bin", "HOME": "/nonexistent-featuremaps-home"]) { $1 }
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        var partial: [String] = []
        while partial.isEmpty && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            // The stalling server sends 30 %: wait until some of it is in the temporary file.
            partial = ((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []).filter {
                ((try? FileManager.default.attributesOfItem(atPath: cache + "/" + $0)[.size] as? Int) ?? 0) > 0
            }
        }
        XCTAssertEqual(partial.count, 1, "a temporary file should be filling up")
        XCTAssert(partial.first?.hasPrefix("." + Self.fileName + ".download-") ?? false, "\(partial)")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertEqual(process.terminationStatus, SIGINT)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache), [])
    }

    /// On a terminal (a pseudo-terminal from util-linux's script), the bar is redrawn in place.
    func testTerminalShowsARedrawnBar() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("/usr/bin/script (util-linux) is absent: no pseudo-terminal to test the bar on")
        }
        let server = try WeightsServer(self)
        let (env, cache) = try setting(server, "slow")
        let r = try CLI.run(
            ["-c", "script -qec '\(CLI.binary) weights fetch --alpha 0.35' /dev/null 2>&1"], environment: env,
            executable: "/bin/sh")
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let screen = r.stdout
        XCTAssert(screen.contains("featuremaps: downloading \(server.baseURL("slow") + Self.fileName)\r\n"), screen)
        let redraws = screen.components(separatedBy: "\r\u{1B}[K  [").count - 1
        XCTAssertGreaterThan(redraws, 3, "the bar should be redrawn along the way: \(screen)")
        XCTAssert(screen.contains("] 100%  7.1 / 7.1 MB  "), screen)
        XCTAssert(
            screen.contains("featuremaps: verified and saved \(cache)/\(Self.fileName) (SHA-256 \(try sha256sum(CLI.fixtureWeights)))"),
            screen)

        // A failure: the bar is drawn once more where the bytes stopped (30 % of the file), then the error.
        let (stallEnv, stallCache) = try setting(server, "stall", ["FEATUREMAPS_DOWNLOAD_TIMEOUT": "1"])
        let failed = try CLI.run(
            ["-c", "script -qec '\(CLI.binary) weights fetch --alpha 0.35' /dev/null 2>&1"],
            environment: stallEnv, executable: "/bin/sh")
        XCTAssertEqual(failed.status, 66, failed.stdout)
        XCTAssert(
            failed.stdout.contains("\r\u{1B}[K  [########----------------------]  29%  2.1 / 7.1 MB  ")
                && failed.stdout.contains(
                    " MB/s\r\nfeaturemaps: downloading \(server.baseURL("stall") + Self.fileName) failed: "
                        + "nothing arrived for 1 s"),
            failed.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: stallCache), [])
    }
}

/// The independent oracle: coreutils' sha256sum.
func sha256sum(_ path: String) throws -> String {
    let r = try CLI.run([path], executable: "/usr/bin/sha256sum")
    return String(r.stdout.prefix(64))
}
