import Foundation
import XCTest
@testable import FeatureMapsWeights

/// The reader is a program of its own, started with posix_spawn: it works whatever threads the
/// caller runs, and a reader that is missing, hangs, crashes or is not the reader gets its own
/// one-line error. Stand-in readers are small shell scripts written by the tests.
final class ReaderProcessTests: XCTestCase {
    static let weights = KerasWeightsFileTests.root + "/Fixtures/weights/mobilenet_v2_0.35_224_fixture.h5"

    /// A fork of this process without exec could inherit a lock held by one of these threads
    /// (malloc's, the Swift runtime's, Foundation's, the caller's own) and wait for it forever.
    func testReadsWhileTheCallerRunsBusyThreads() throws {
        let expected = try IsolatedReader.readInProcess(path: Self.weights)
        let busy = BusyThreads(count: 4)
        defer { busy.stop() }
        for i in 0..<20 {
            let start = Date()
            let weights = try IsolatedReader.read(path: Self.weights, deadline: 20)
            XCTAssertEqual(weights.layers, expected.layers, "read \(i)")
            XCTAssertLessThan(Date().timeIntervalSince(start), 10, "read \(i)")
        }
        XCTAssertGreaterThan(busy.rounds, 20, "the busy threads did not run")
    }

    /// Found beside the running program (this test bundle: SwiftPM built the reader there because
    /// FeatureMapsWeights depends on it); FEATUREMAPS_READER, when set, is the only place looked at.
    func testTheReaderIsLookedForInTwoPlacesOnly() throws {
        let running = try XCTUnwrap(ReaderExecutable.currentExecutable())
        let beside = (running as NSString).deletingLastPathComponent + "/featuremaps-hdf5-reader"
        XCTAssertEqual(try ReaderExecutable.locate(environment: [:]), beside)
        XCTAssertEqual(try ReaderExecutable.locate(environment: ["FEATUREMAPS_READER": beside], runningExecutable: "/nowhere/app"), beside)

        let missing = "/nonexistent/featuremaps-hdf5-reader"
        XCTAssertThrowsError(try ReaderExecutable.locate(environment: ["FEATUREMAPS_READER": missing])) { error in
            XCTAssertEqual(error as? WeightsError, .readerNotFound(searched: ["\(missing) (FEATUREMAPS_READER)"]))
            Self.assertOneLine(error, containing: [missing, "FEATUREMAPS_READER", "swift build --product featuremaps-hdf5-reader"])
        }
        let dir = try temporaryDirectory()
        XCTAssertThrowsError(try ReaderExecutable.locate(environment: [:], runningExecutable: dir + "/app")) { error in
            Self.assertOneLine(error, containing: [dir + "/featuremaps-hdf5-reader (beside \(dir)/app)", "FEATUREMAPS_READER"])
        }
        XCTAssertThrowsError(try ReaderExecutable.locate(environment: ["FEATUREMAPS_READER": "featuremaps-hdf5-reader"])) { error in
            XCTAssertEqual(
                error as? WeightsError,
                .badSetting(
                    name: "FEATUREMAPS_READER", value: "featuremaps-hdf5-reader",
                    expected: "give the absolute path of the featuremaps-hdf5-reader executable"))
        }
        // A directory, or a file that is not executable, is not a reader either.
        let plain = try script("plain", "exit 0", mode: 0o644)
        for path in [dir, plain] {
            XCTAssertThrowsError(try ReaderExecutable.locate(environment: ["FEATUREMAPS_READER": path])) { error in
                XCTAssertEqual(error as? WeightsError, .readerNotFound(searched: ["\(path) (FEATUREMAPS_READER)"]))
            }
        }
    }

    /// A reader that never answers is killed at the deadline and reaped: the message says the
    /// reader timed out after N s and what to do, not that the file is damaged.
    func testAHangingReaderIsStoppedAtTheDeadline() throws {
        let pidFile = try temporaryDirectory() + "/pid"
        let reader = try script("hangs", "echo $$ > '\(pidFile)'\nexec sleep 60")
        let start = Date()
        XCTAssertThrowsError(try IsolatedReader.read(path: Self.weights, deadline: 1, executable: reader)) { error in
            XCTAssertEqual(error as? WeightsError, .readerTimedOut(path: Self.weights, seconds: 1))
            Self.assertOneLine(error, containing: [Self.weights, "timed out", "after 1 s", "try again", "fresh copy"])
            XCTAssertFalse(Self.message(error).contains("damaged"), Self.message(error))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        let pid = try XCTUnwrap(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual(kill(pid, 0), -1, "the hanging reader \(pid) is still there")
        XCTAssertEqual(errno, ESRCH)
    }

    func testACrashingReaderIsReaderCrashed() throws {
        let segfault = try script("segfaults", "ulimit -c 0\nkill -SEGV $$")
        XCTAssertThrowsError(try IsolatedReader.read(path: Self.weights, executable: segfault)) { error in
            XCTAssertEqual(error as? WeightsError, .readerCrashed(path: Self.weights, signal: 11))
            Self.assertOneLine(error, containing: [Self.weights, "signal 11"])
        }
        let silent = try script("silent", "exit 3")
        XCTAssertThrowsError(try IsolatedReader.read(path: Self.weights, executable: silent)) { error in
            XCTAssertEqual(error as? WeightsError, .readerCrashed(path: Self.weights, signal: 0))
        }
        // Not this build's reader: it refuses the command line.
        let stranger = try script("stranger", "exit 64")
        XCTAssertThrowsError(try IsolatedReader.read(path: Self.weights, executable: stranger)) { error in
            guard case .readerNotStartable(stranger, _)? = error as? WeightsError else { return XCTFail("\(error)") }
            Self.assertOneLine(error, containing: [stranger, "exit status 64"])
        }
    }

    /// The reader gets stdin /dev/null, none of the caller's other descriptors (here one without
    /// close-on-exec), an empty signal mask, default signal actions, and no inherited environment.
    func testTheReaderStartsClean() throws {
        let dir = try temporaryDirectory()
        let report = dir + "/report"
        // Shell builtins only until the environment is listed: /proc/self is the shell itself, and
        // no command it starts can see it in the middle of starting one (dash blocks every signal
        // around its fork).
        let reader = try script(
            "reports",
            """
            [ -e /proc/self/fd/500 ] && echo leaked-descriptor >> '\(report)'
            while read -r key value; do
                case "$key" in SigBlk:|SigIgn:) echo "$key$value" >> '\(report)' ;; esac
            done < /proc/self/status
            env >> '\(report)'
            exit 0
            """)
        let inherited = open("/dev/null", O_RDONLY)
        XCTAssertEqual(dup2(inherited, 500), 500)
        close(inherited)
        defer { close(500) }
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGUSR1)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let ignoring = signal(SIGUSR2, SIG_IGN)
        defer { signal(SIGUSR2, ignoring) }

        XCTAssertThrowsError(try IsolatedReader.read(path: Self.weights, executable: reader))  // no message: "crashed"
        let lines = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertFalse(lines.contains("leaked-descriptor"), "descriptor 500 reached the reader")
        XCTAssert(lines.contains("SigBlk:0000000000000000"), "\(lines)")
        let ignored = try XCTUnwrap(lines.first { $0.hasPrefix("SigIgn:") }.flatMap { UInt64($0.dropFirst(7), radix: 16) })
        XCTAssertEqual(ignored & (1 << (UInt64(SIGUSR2) - 1)), 0, "SIGUSR2 is still ignored in the reader")
        let names = Set(lines.filter { $0.contains("=") }.compactMap { $0.split(separator: "=").first.map(String.init) })
        let allowed: Set = [
            "SWIFT_BACKTRACE", "LD_LIBRARY_PATH", "HDF5_USE_FILE_LOCKING", "ASAN_OPTIONS", "LSAN_OPTIONS",
            "UBSAN_OPTIONS", "PWD", "SHLVL", "_",
        ]
        XCTAssert(names.isSubset(of: allowed), "inherited: \(names.subtracting(allowed).sorted())")
        XCTAssert(lines.contains("SWIFT_BACKTRACE=enable=no"), "\(lines)")
    }

    // MARK: - Helpers

    static func message(_ error: Error) -> String { (error as? WeightsError)?.errorDescription ?? "\(error)" }

    static func assertOneLine(_ error: Error, containing parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        let text = message(error)
        XCTAssertFalse(text.contains("\n"), text, file: file, line: line)
        for part in parts { XCTAssert(text.contains(part), "'\(text)' lacks '\(part)'", file: file, line: line) }
    }

    func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fm-reader-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    /// An executable /bin/sh script with `body`, standing in for the reader.
    func script(_ name: String, _ body: String, mode: Int = 0o755) throws -> String {
        let path = try temporaryDirectory() + "/" + name
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }
}

/// `count` threads that keep malloc, the Swift runtime, Foundation and a lock of their own busy
/// until `stop`: one spins holding an NSLock, one allocates and frees, one builds Foundation
/// values, one creates dictionaries of generic types.
final class BusyThreads: @unchecked Sendable {  // its state is behind `lock`
    private let lock = NSLock(), held = NSLock()
    private var stopping = false, finished = 0, counter = 0
    private let count: Int

    init(count: Int) {
        self.count = count
        for kind in 0..<count {
            let thread = Thread { [self] in
                while !isStopping {
                    work(kind)
                    lock.withLock { counter += 1 }
                }
                lock.withLock { finished += 1 }
            }
            thread.start()
        }
    }

    var rounds: Int { lock.withLock { counter } }
    private var isStopping: Bool { lock.withLock { stopping } }

    private func work(_ kind: Int) {
        switch kind % 4 {
        case 0:
            held.withLock {
                var x = 0; for i in 0..<20_000 { x &+= i }; _ = x
            }
        case 1:
            let blocks = (0..<64).map { malloc(1 << ($0 % 20)) }
            blocks.forEach { free($0) }
        case 2:
            _ = String(format: "%.3f %@", Date().timeIntervalSince1970, "busy") + "\(URL(fileURLWithPath: "/tmp/x").path)"
        default:
            var d: [String: [Int]] = [:]
            for i in 0..<100 { d["\(i)", default: []].append(i) }
        }
    }

    /// Stops every thread and waits until each has left its loop.
    func stop() {
        lock.withLock { stopping = true }
        while lock.withLock({ finished }) < count { usleep(1000) }
    }
}
