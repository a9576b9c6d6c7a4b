import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One test of this test binary run again in a child process (for tests that change the whole
/// process: an address-space cap, malloc settings). The child is told apart by an environment
/// variable set to "1"; its stdout and stderr come back as one log.
public enum ChildTest {
    public struct Outcome: Sendable {
        public let reason: Process.TerminationReason
        public let status: Int32
        public let log: String
    }

    /// Whether this process is the child that `rerun` started with `variable`.
    public static func isChild(_ variable: String) -> Bool { ProcessInfo.processInfo.environment[variable] == "1" }

    /// Runs `test` ("Target.Class/testMethod") in a child of this binary with `variable`=1, and
    /// waits for it; after `deadline` seconds the child is terminated.
    public static func rerun(_ test: String, flag variable: String, deadline: Double = 900) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = [test]
        process.environment = ProcessInfo.processInfo.environment.merging([variable: "1"]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let timer = DispatchSource.makeTimerSource()
        timer.schedule(deadline: .now() + deadline)
        timer.setEventHandler { process.terminate() }
        timer.resume()
        let log = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        timer.cancel()
        return Outcome(reason: process.terminationReason, status: process.terminationStatus, log: log)
    }

    /// VmSize from /proc/self/status, in bytes.
    public static func addressSpaceBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmSize:") }),
            let kb = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: "/proc/self/status (no VmSize)"]) }
        return kb << 10
    }

    /// Caps this process's address space (setrlimit RLIMIT_AS) at its size now plus `budget` bytes;
    /// returns the size before, or nil when setrlimit refused.
    public static func capAddressSpace(adding budget: Int) throws -> Int? {
        let before = try addressSpaceBytes()
        var limit = rlimit(rlim_cur: rlim_t(before + budget), rlim_max: rlim_t.max)
        return setrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0 ? before : nil
    }
}
