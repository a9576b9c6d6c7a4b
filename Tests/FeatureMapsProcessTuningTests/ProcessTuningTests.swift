import Foundation
import XCTest
@testable import FeatureMapsProcessTuning

/// ProcessTuning changes the whole process's malloc, so it is checked in a process of its own:
/// this test binary run again on this one test (as MutationTests does), which reports through its
/// exit status what it finds in its own /proc/self/smaps.
final class ProcessTuningTests: XCTestCase {
    static let childVariable = "FEATUREMAPS_TUNING_CHILD"

    /// After `preferLargeHeapPages(reserve: 48 MB)`, the heap has grown by the reserve, the reserve
    /// is marked for transparent huge pages (VmFlags "hg"), and an 8 MB block comes from the heap
    /// instead of a mapping of its own. (Before the third session the 48 MB came in one block above
    /// the 32 MB mmap threshold: a mapping of its own, unmapped by free, so the heap never grew.)
    func testTheHeapGrowsByTheReserveInHugePages() throws {
        guard FileManager.default.fileExists(atPath: "/proc/self/smaps") else { throw XCTSkip("no /proc/self/smaps") }
        if ProcessInfo.processInfo.environment[Self.childVariable] == "1" { Self.probe() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["FeatureMapsProcessTuningTests.ProcessTuningTests/testTheHeapGrowsByTheReserveInHugePages"]
        process.environment = ProcessInfo.processInfo.environment.merging([Self.childVariable: "1"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, "the child died of signal \(process.terminationStatus)")
        XCTAssert((100..<108).contains(process.terminationStatus), "the child did not run the probe (status \(process.terminationStatus))")
        let found = process.terminationStatus - 100
        XCTAssertEqual(found & 1, 0, "the heap did not grow by the reserve")
        XCTAssertEqual(found & 2, 0, "the reserve is not marked for huge pages")
        XCTAssertEqual(found & 4, 0, "an 8 MB block did not come from the heap")
    }

    /// The child's side: tunes its own malloc, inspects its mappings, exits with 100 plus bits 1,
    /// 2, 4 for what is wrong (100: all is as documented; another status: the probe never ran).
    static func probe() -> Never {
        let thp = FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage/enabled")
        ProcessTuning.preferLargeHeapPages(reserve: 48 << 20)
        let block = Int(bitPattern: malloc(8 << 20))
        var status: Int32 = 0
        var heapBytes = 0, hugeBytes = 0, blockInHeap = false
        for vma in mappings() where vma.name == "[heap]" {
            heapBytes += vma.end - vma.start
            if vma.flags.contains("hg") { hugeBytes += vma.end - vma.start }
            if (vma.start..<vma.end).contains(block) { blockInHeap = true }
        }
        if heapBytes < 48 << 20 { status |= 1 }
        if thp && hugeBytes < 40 << 20 { status |= 2 }
        if !blockInHeap { status |= 4 }
        _exit(100 + status)
    }

    /// Address ranges, names and VmFlags of this process's mappings (/proc/self/smaps).
    static func mappings() -> [(start: Int, end: Int, name: String, flags: [String])] {
        // Read to the end by hand: /proc files report size 0, and a whole-file read may stop early.
        let fd = open("/proc/self/smaps", O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        var out: [(start: Int, end: Int, name: String, flags: [String])] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-")
                guard bounds.count == 2, let start = Int(bounds[0], radix: 16), let end = Int(bounds[1], radix: 16) else { continue }
                out.append((start, end, fields.count >= 6 ? String(fields[5]) : "", []))
            } else if line.hasPrefix("VmFlags:"), !out.isEmpty {
                out[out.count - 1].flags = fields.dropFirst().map(String.init)
            }
        }
        return out
    }
}
