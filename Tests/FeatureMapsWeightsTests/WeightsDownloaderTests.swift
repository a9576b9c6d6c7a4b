import Foundation
import Synchronization
import XCTest
import WeightsServer
@testable import FeatureMapsWeights

/// WeightsDownloader against a real HTTP server on 127.0.0.1 serving the fixture (alpha 0.35,
/// 224, with top) under whatever Keras name is asked for, well or badly. Every failure must throw
/// the right error and leave the cache directory without any file.
final class WeightsDownloaderTests: XCTestCase {
    let fixtureVariant = try! WeightsVariant(alpha: "0.35", rows: 224, includeTop: true)

    /// A fresh Keras models directory (not created: the downloader must create it).
    func cacheDirectory() throws -> String {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("fm-download-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: home) }
        return home + "/models"
    }

    func download(
        _ mode: String, _ variant: WeightsVariant? = nil, timeout: Double = 5, sha256: String? = nil,
        into directory: String, server: WeightsServer, events: EventLog? = nil
    ) throws -> LoadedWeights {
        let variant = variant ?? fixtureVariant
        let settings = DownloadSettings(baseURL: server.baseURL(mode), timeout: timeout, expectedSHA256: sha256)
        return try WeightsDownloader.download(
            variant, from: settings.url(for: variant), to: directory + "/" + variant.fileName,
            settings: settings, progress: events.map { log in { @Sendable in log.append($0) } })
    }

    func testGoodDownloadIsVerifiedSavedAndReportsProgress() throws {
        let server = try WeightsServer(self)
        let directory = try cacheDirectory()
        let events = EventLog()
        let loaded = try download("slow", into: directory, server: server, events: events)
        let path = directory + "/" + fixtureVariant.fileName
        XCTAssertEqual(loaded.path, path)
        XCTAssertEqual(loaded.model.architecture.alpha, 0.35)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), [fixtureVariant.fileName])
        XCTAssertEqual(FileManager.default.contents(atPath: path), FileManager.default.contents(atPath: WeightsServer.fixtureWeights))

        let size = Int64(try FileManager.default.attributesOfItem(atPath: WeightsServer.fixtureWeights)[.size] as! Int)
        let all = events.events
        guard case .started(let url, let destination, let temporary)? = all.first else { return XCTFail("\(all.prefix(1))") }
        XCTAssertEqual(url, server.baseURL("slow") + fixtureVariant.fileName)
        XCTAssertEqual(destination, path)
        XCTAssert(temporary.hasPrefix(directory + "/.") && temporary != path, temporary)
        let received = all.compactMap { e -> Int64? in if case .progress(let r, let x, _) = e, x == size { return r } else { return nil } }
        XCTAssertGreaterThan(received.count, 5, "the slow mode sends 20 pieces: progress should be reported along the way")
        XCTAssertEqual(received, received.sorted())
        XCTAssertEqual(received.last, size)
        XCTAssertEqual(all.dropLast().last.map { if case .transferred(size, _) = $0 { return true } else { return false } }, true)
        XCTAssertEqual(all.last, .saved(path: path, sha256: try sha256sum(WeightsServer.fixtureWeights)))
    }

    func testExpectedHashMustMatch() throws {
        let server = try WeightsServer(self)
        let directory = try cacheDirectory()
        let wrong = String(repeating: "0", count: 64)
        XCTAssertThrowsError(try download("good", sha256: wrong, into: directory, server: server)) { error in
            guard case .checksumMismatch(_, wrong, let found, directory)? = error as? WeightsError else { return XCTFail("\(error)") }
            XCTAssertEqual(found, try? sha256sum(WeightsServer.fixtureWeights))
        }
        try assertEmpty(directory)
        // The right hash is accepted.
        _ = try download("good", sha256: try sha256sum(WeightsServer.fixtureWeights), into: directory, server: server)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), [fixtureVariant.fileName])
    }

    func testTransferFailuresLeaveNothing() throws {
        let server = try WeightsServer(self)
        let size = Int64(try FileManager.default.attributesOfItem(atPath: WeightsServer.fixtureWeights)[.size] as! Int)
        let cases: [(String, (DownloadFailure) -> Bool)] = [
            ("missing", { $0 == .httpStatus(404) }),
            ("short", { $0 == .cutShort(received: size * 6 / 10, expected: size) }),
            ("reset", { if case .cutShort(_, size) = $0 { return true } else { return false } }),
            ("chunked-cut", { if case .cutShort(_, nil) = $0 { return true } else { return false } }),
        ]
        for (mode, expected) in cases {
            let directory = try cacheDirectory()
            XCTAssertThrowsError(try download(mode, into: directory, server: server), mode) { error in
                guard case .downloadFailed(let url, let failure, directory)? = error as? WeightsError else {
                    return XCTFail("\(mode): \(error)")
                }
                XCTAssertEqual(url, server.baseURL(mode) + fixtureVariant.fileName)
                XCTAssert(expected(failure), "\(mode): \(failure)")
            }
            try assertEmpty(directory, mode)
        }
    }

    func testSilentAndStallingServersTimeOut() throws {
        let server = try WeightsServer(self)
        for mode in ["silent", "stall"] {
            let directory = try cacheDirectory()
            let start = Date()
            XCTAssertThrowsError(try download(mode, timeout: 1, into: directory, server: server), mode) { error in
                guard case .downloadFailed(_, .timedOut(seconds: 1), _)? = error as? WeightsError else { return XCTFail("\(mode): \(error)") }
            }
            let seconds = Date().timeIntervalSince(start)
            XCTAssert(seconds >= 0.9 && seconds < 6, "\(mode) took \(seconds) s with a 1 s timeout")
            try assertEmpty(directory, mode)
        }
    }

    /// The timeout bounds each wait, not the whole transfer: "slow" takes over 1 s in 0.05 s steps.
    func testTimeoutIsIdleTimeNotTotalTime() throws {
        let server = try WeightsServer(self)
        let start = Date()
        _ = try download("slow", timeout: 1, into: try cacheDirectory(), server: server)
        XCTAssertGreaterThan(Date().timeIntervalSince(start), 0.9)
    }

    func testWrongContentIsRejected() throws {
        let server = try WeightsServer(self)
        let cases: [(String, WeightsVariant?, String)] = [
            ("not-hdf5", nil, "not an HDF5 file"),
            ("eof-cut", nil, "not an HDF5 file"),  // a close-delimited body cut short: only the content shows it
            ("wrong-hdf5", nil, "no layer 'Conv1'"),
            ("good", try WeightsVariant(alpha: "1.0"), "alpha 0.35 with a 1000-class top, not the requested alpha 1.0"),
            ("good", try WeightsVariant(alpha: "0.35", includeTop: false), "not the requested alpha 0.35 without top"),
        ]
        for (mode, variant, reason) in cases {
            let directory = try cacheDirectory()
            XCTAssertThrowsError(try download(mode, variant, into: directory, server: server), mode) { error in
                guard case .downloadRejected(_, let found, directory)? = error as? WeightsError else { return XCTFail("\(mode): \(error)") }
                XCTAssert(found.contains(reason), "\(mode): \(found)")
                XCTAssertFalse(found.contains(directory), "the temporary path must not appear: \(found)")
            }
            try assertEmpty(directory, mode)
        }
    }

    func testRefusedConnection() throws {
        // A port nothing listens on: take a free one from the kernel and close it again.
        let server = try WeightsServer(self)
        server.stop()
        let directory = try cacheDirectory()
        XCTAssertThrowsError(try download("good", into: directory, server: server)) { error in
            guard case .downloadFailed(_, .connection, _)? = error as? WeightsError else { return XCTFail("\(error)") }
        }
        try assertEmpty(directory)
    }

    func testACacheThatCannotBeCreatedIsSaid() throws {
        let server = try WeightsServer(self)
        let directory = try cacheDirectory()
        let parent = (directory as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        XCTAssert(FileManager.default.createFile(atPath: directory, contents: Data("a file, not a folder".utf8)))
        XCTAssertThrowsError(try download("good", into: directory, server: server)) { error in
            XCTAssertEqual(error as? WeightsError, .cacheNotWritable(directory: directory, reason: "cannot create it"))
        }
        XCTAssertEqual(server.requests, [], "nothing is requested when there is nowhere to put it")
    }

    private func assertEmpty(_ directory: String, _ context: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
        let left = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        XCTAssertEqual(left, [], "\(context): the cache holds \(left)", file: file, line: line)
    }
}

/// Events as they arrive (from the transfer's queue).
final class EventLog: Sendable {
    private let list = Mutex<[DownloadEvent]>([])
    func append(_ e: DownloadEvent) { list.withLock { $0.append(e) } }
    var events: [DownloadEvent] { list.withLock { $0 } }
}

/// The independent oracle: coreutils' sha256sum.
func sha256sum(_ path: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    p.arguments = [path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
}
