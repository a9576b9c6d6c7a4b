import Foundation
import XCTest

/// `weights_server.py` (beside this file) on 127.0.0.1 for the length of one test: it serves the
/// fixture weights under any Keras file name, well or badly depending on the first path component
/// (see the script). It stops when the test ends, or by itself after `lifetime` seconds.
public final class WeightsServer {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    public static let fixtureWeights = root + "/Fixtures/weights/mobilenet_v2_0.35_224_fixture.h5"
    /// An HDF5 file in Keras's layout that is not a MobileNetV2 (served by mode "wrong-hdf5").
    public static let wrongWeights = root + "/Fixtures/weights/split_layer_names.h5"

    public let port: Int
    private let process = Process()
    private let input = Pipe()
    private let logPath: String

    /// Starts the server (skips the test when python3 is missing) and stops it at teardown.
    public init(_ test: XCTestCase, lifetime: Double = 60) throws {
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let python else { throw XCTSkip("python3 is not installed: the download tests need it for their HTTP server") }
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("weights-server-\(UUID().uuidString).log").path
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            Self.root + "/Tests/WeightsServer/weights_server.py", "--file", Self.fixtureWeights,
            "--wrong", Self.wrongWeights, "--log", logPath, "--lifetime", String(lifetime),
        ]
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let more = output.fileHandleForReading.availableData
            if more.isEmpty { break }
            line += more
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw XCTSkip("the test HTTP server did not start (it said '\(text)')")
        }
        self.port = port
        test.addTeardownBlock { [self] in stop() }
    }

    /// The base URL (ending in "/") under which files are served in `mode`.
    public func baseURL(_ mode: String) -> String { "http://127.0.0.1:\(port)/\(mode)/" }

    /// The paths requested so far, in order.
    public var requests: [String] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    public func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: logPath)
    }
}
