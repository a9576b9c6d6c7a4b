import Foundation
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `featuremaps serve` as a user runs it: it prints its URL once it listens, answers the API
/// there, warns about a non-loopback host, and stops cleanly on SIGTERM.
final class ServeCommandTests: XCTestCase {
    /// A running `featuremaps serve ARGS --port 0`, its URL (the first stdout line) and its stderr.
    struct Running {
        let process: Process
        let url: String
        let stderr: Pipe
    }

    func start(_ args: [String]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["serve", "--port", "0"] + args
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent-featuremaps-home", "FEATUREMAPS_OFFLINE": "1"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        addTeardownBlock { if process.isRunning { process.terminate() } }
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        let text = String(decoding: line, as: UTF8.self)
        let url = try XCTUnwrap(text.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init), "no URL in \(text)")
        return Running(process: process, url: url, stderr: err)
    }

    func get(_ url: String) throws -> (Int, Data) {
        final class Box: @unchecked Sendable { var status = 0, data = Data() }  // written before `done` is signalled
        let box = Box(), done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: URL(string: url)!) { data, response, _ in
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.data = data ?? Data()
            done.signal()
        }.resume()
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success, "no answer from \(url)")
        return (box.status, box.data)
    }

    func testServePrintsItsURLAnswersTheAPIAndStopsOnSIGTERM() throws {
        let server = try start(["--weights", CLI.fixtureWeights])
        XCTAssertTrue(server.url.hasPrefix("http://127.0.0.1:"), server.url)
        let (status, data) = try get(server.url + "api/models")
        XCTAssertEqual(status, 200)
        let models = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["models"] as? [[String: Any]])
        XCTAssertEqual(models.map { $0["id"] as? String }, ["mobilenet_v2_0.35_224_fixture"])
        server.process.terminate()
        server.process.waitUntilExit()
        XCTAssertEqual(server.process.terminationStatus, 0, "serve did not stop cleanly on SIGTERM")
        let stderr = String(decoding: server.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertFalse(stderr.contains("anyone"), "a loopback server warned: \(stderr)")
    }

    func testANonLoopbackHostIsWarnedAbout() throws {
        let server = try start(["--weights", CLI.fixtureWeights, "--host", "0.0.0.0"])
        server.process.terminate()
        server.process.waitUntilExit()
        let stderr = String(decoding: server.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(stderr.contains("featuremaps: listening on 0.0.0.0, not loopback: anyone"), stderr)
    }

    func testBadOptionsAreOneLineUsageErrors() throws {
        let port = try CLI.run(["serve", "--weights", CLI.fixtureWeights, "--port", "70000"])
        XCTAssertEqual(port.status, 64)
        XCTAssertEqual(port.stderr, "featuremaps: --port 70000 is out of range: use 0 to 65535; see 'featuremaps serve --help'\n")
        let folder = try CLI.run(["serve", "--weights", CLI.fixtureWeights, "--images", "/nonexistent-photos"])
        XCTAssertEqual(folder.status, 64)
        XCTAssertTrue(folder.stderr.hasPrefix("featuremaps: cannot list /nonexistent-photos:"), folder.stderr)
        XCTAssertEqual(folder.stderr.filter { $0 == "\n" }.count, 1, folder.stderr)
    }
}
