import Foundation
import XCTest

/// Runs the built `featuremaps` binary as a user would, capturing status, stdout and stderr.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The executable beside the test bundle (.build/<config>/featuremaps).
    static var binary: String {
        let candidates = [Bundle.main.bundleURL] + Bundle.allBundles.map(\.bundleURL)
        for url in candidates {
            for dir in [url, url.deletingLastPathComponent()] {
                let path = dir.appendingPathComponent("featuremaps").path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return root + "/.build/debug/featuremaps"
    }

    static func fixture(_ relative: String) -> String { root + "/Fixtures/" + relative }
    static let fixtureWeights = fixture("weights/mobilenet_v2_0.35_224_fixture.h5")

    static func shared(_ relative: String) throws -> String {
        let p = root + "/../shared/" + relative
        guard FileManager.default.fileExists(atPath: p) else {
            throw XCTSkip("\(p) is absent (../shared holds the real weights and photos; a fresh clone has none)")
        }
        return p
    }

    /// A fresh empty directory, removed at the end of the test.
    static func temporaryDirectory(_ test: XCTestCase) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("featuremaps-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    /// Runs `featuremaps args...` with a controlled environment: no FEATUREMAPS_WEIGHTS, a HOME
    /// without a Keras cache and downloading off (FEATUREMAPS_OFFLINE=1: a test never reaches
    /// for the real weights host) unless `environment` says otherwise.
    /// `executable` runs another program (a shell, sha256sum) the same way.
    static func run(
        _ args: [String], environment: [String: String] = [:], cwd: String? = nil,
        executable: String? = nil
    ) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = args
        var env = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent-featuremaps-home", "FEATUREMAPS_OFFLINE": "1"]
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        return try capture(process)
    }

    /// Runs `process` to its end and returns its status, stdout and stderr. stderr is drained on
    /// another thread, so a child that fills one pipe while we read the other cannot deadlock.
    static func capture(_ process: Process) throws -> CLIResult {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        final class Box: @unchecked Sendable { var data = Data() }  // written once, read after `drained`
        let errData = Box(), drained = DispatchSemaphore(value: 0)
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async {
            errData.data = errHandle.readDataToEndOfFile()
            drained.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.data, as: UTF8.self))
    }
}
