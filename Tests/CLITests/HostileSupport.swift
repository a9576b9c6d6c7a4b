import Foundation
import XCTest

/// What the hostile-input tests share: a runner with a deadline, a memory limit or another user,
/// the one-line-per-failure check, and listings of what a run left in a directory.
enum Hostile {
    static let weights = CLI.fixtureWeights
    static let image = CLI.fixture("images/fixture.png")
    static func codec(_ name: String) -> String { CLI.fixture("images/codec/" + name) }
    static func hostile(_ name: String) -> String { CLI.fixture("images/hostile/" + name) }

    /// Text that must never reach the user: HDF5's error stack, codec library warnings, Swift
    /// runtime crash reports and backtraces, ArgumentParser's usage block.
    static let forbidden = [
        "HDF5-DIAG", "H5E", "libpng", "libjpeg", "Fatal error", "Stack dump", "Backtrace",
        "Program crashed", "💣", "Thread 0", "Usage:", "Error:",
    ]

    /// Runs `featuremaps args` like CLI.run, but ends it (and fails the test) after `deadline`
    /// seconds; `memoryKB` runs it under `ulimit -v`, `fileSizeBlocks` under `ulimit -f`; `asNobody` runs it as user nobody (setpriv)
    /// from a copy of the binary (and of the weights reader beside it) in `nobodyDirectory`, because the tests run as root, who can read
    /// and write everything regardless of permissions.
    static func run(
        _ args: [String], memoryKB: Int? = nil, fileSizeBlocks: Int? = nil, asNobody: String? = nil, cwd: String? = nil,
        deadline: TimeInterval = 120, file: StaticString = #filePath, line: UInt = #line
    ) throws -> CLIResult {
        var executable = CLI.binary
        var arguments = args
        var launcher: [String] = []
        if let dir = asNobody {
            // The weights reader too: featuremaps looks for it beside itself.
            let folder = (executable as NSString).deletingLastPathComponent
            for name in ["featuremaps", "featuremaps-hdf5-reader"] where !FileManager.default.fileExists(atPath: dir + "/" + name) {
                try FileManager.default.copyItem(atPath: folder + "/" + name, toPath: dir + "/" + name)
            }
            executable = dir + "/featuremaps"
            launcher = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
        }
        if let kb = memoryKB { launcher = ["/bin/sh", "-c", "ulimit -v \(kb) && exec \"$0\" \"$@\""] + launcher }
        // A file-size limit with SIGXFSZ ignored: a write past it fails with EFBIG, like a full disk.
        if let blocks = fileSizeBlocks {
            launcher = ["/bin/sh", "-c", "trap '' XFSZ; ulimit -f \(blocks) && exec \"$0\" \"$@\""] + launcher
        }
        if !launcher.isEmpty {
            arguments = Array(launcher.dropFirst()) + [executable] + args
            executable = launcher[0]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent-featuremaps-home", "LC_ALL": "C.UTF-8"]
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let timer = DispatchSource.makeTimerSource()
        var timedOut = false
        timer.schedule(deadline: .now() + deadline)
        timer.setEventHandler {
            timedOut = true; process.terminate()
        }
        timer.resume()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        if timedOut { XCTFail("featuremaps \(args) ran longer than \(deadline) s", file: file, line: line) }
        return CLIResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A directory user nobody can enter and write (a fresh temporary directory, mode 0777), or a
    /// skip when setpriv or user nobody is missing.
    static func nobodyDirectory(_ test: XCTestCase) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), getpwnam("nobody") != nil else {
            throw XCTSkip("needs /usr/bin/setpriv and user nobody to make a file unreadable for a root test run")
        }
        let dir = try CLI.temporaryDirectory(test)
        chmod(dir, 0o777)
        return dir
    }

    /// The stderr lines of a failed run: exactly `count` lines, each "featuremaps: ..." naming
    /// one of `names` (in order), none with forbidden text. Returns the lines.
    @discardableResult
    static func assertFailureLines(
        _ r: CLIResult, count: Int, naming names: [String], notes: Int = 0,
        file: StaticString = #filePath, line: UInt = #line
    ) -> [String] {
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let failures = lines.filter { $0.hasPrefix("featuremaps: ") }
        XCTAssertEqual(failures.count, count, "failure lines:\n\(r.stderr)", file: file, line: line)
        XCTAssertEqual(lines.count, count + notes, "stderr:\n\(r.stderr)", file: file, line: line)
        for (failure, name) in zip(failures, names) {
            XCTAssert(failure.contains(name), "'\(failure)' does not name \(name)", file: file, line: line)
        }
        for bad in forbidden where r.stderr.contains(bad) {
            XCTFail("stderr contains '\(bad)':\n\(r.stderr)", file: file, line: line)
        }
        XCTAssert(r.stderr.hasSuffix("\n") || r.stderr.isEmpty, "stderr must end with a newline", file: file, line: line)
        return failures
    }

    /// Every entry under `dir` (hidden ones too, e.g. a left-over ".x.png.tmp-XXXXXX"), relative, sorted.
    static func files(in dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).sorted()
    }

    /// Writes `bytes` to `dir/name` and returns the path.
    static func write(_ bytes: [UInt8], _ name: String, in dir: String) -> String {
        let path = dir + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// PNG's CRC-32 (ISO 3309), to damage chunk data while keeping the checksum right.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// The offset of the first PNG chunk of `type` (its length field), or nil.
    static func pngChunk(_ type: String, in png: [UInt8]) -> Int? {
        var at = 8
        while at + 8 <= png.count {
            let length = Int(png[at]) << 24 | Int(png[at + 1]) << 16 | Int(png[at + 2]) << 8 | Int(png[at + 3])
            if String(decoding: png[(at + 4)..<(at + 8)], as: UTF8.self) == type { return at }
            at += 12 + length
        }
        return nil
    }

    /// Rewrites the CRC of the chunk at `at` to match its (possibly damaged) type and data.
    static func fixCRC(_ png: inout [UInt8], chunkAt at: Int) {
        let length = Int(png[at]) << 24 | Int(png[at + 1]) << 16 | Int(png[at + 2]) << 8 | Int(png[at + 3])
        let crc = crc32(png[(at + 4)..<(at + 8 + length)])
        for i in 0..<4 { png[at + 8 + length + i] = UInt8((crc >> (24 - 8 * UInt32(i))) & 0xFF) }
    }
}
