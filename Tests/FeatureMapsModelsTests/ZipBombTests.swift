#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
import TestSupport
@testable import FeatureMapsModels

/// Zip bombs: 256 MB of zeros deflated to 250 KB as config.json (cap 64 MB), and 2 GB + 16 MB deflated
/// to about 2 MB as model.weights.h5 (cap 2 GB), each honest (its headers declare the size: refused
/// from them, nothing inflated) and lying (they declare 1,000 bytes: inflating stops there). Every
/// refusal is one line, leaves no temporary file, and holds bounded memory: the reading runs in a
/// child process (this test binary on this one test) whose address space is capped at its size at
/// the start plus 512 MB (setrlimit RLIMIT_AS), so an entry inflated into memory would fail there.
final class ZipBombTests: XCTestCase {
    static let childVariable = "FEATUREMAPS_ZIP_BOMB_CHILD"
    static let budgetBytes = 512 << 20

    func testZipBombsStopAtTheirCapsInBoundedMemory() throws {
        if ChildTest.isChild(Self.childVariable) { return try runBombs() }
        let run = try ChildTest.rerun("FeatureMapsModelsTests.ZipBombTests/testZipBombsStopAtTheirCapsInBoundedMemory", flag: Self.childVariable)
        let log = run.log
        let ours = log.split(separator: "\n").filter { $0.hasPrefix("zip bomb") }
        ours.forEach { print($0) }
        XCTAssertEqual(run.reason, .exit, "the bomb process crashed:\n\(log.suffix(3000))")
        XCTAssertEqual(run.status, 0, "the bomb process failed:\n\(log.suffix(3000))")
        XCTAssertEqual(ours.filter { $0.contains("refused") }.count, 4, log.suffix(3000).description)
    }

    private func runBombs() throws {
        let before = try XCTUnwrap(try ChildTest.capAddressSpace(adding: Self.budgetBytes), "setrlimit(RLIMIT_AS) failed")
        let probe = malloc(Self.budgetBytes)
        XCTAssertNil(probe, "RLIMIT_AS did not cap the address space")
        free(probe)
        print("zip bomb: address space \(before >> 20) MB, capped at \((before + Self.budgetBytes) >> 20) MB")
        let cases: [(entry: String, size: Int, cap: Int)] = [
            ("config.json", 256 << 20, 64 << 20), ("model.weights.h5", (2 << 30) + (16 << 20), 2 << 30),
        ]
        for (entry, size, cap) in cases {
            let path = ZipFixtures.path("bomb-\(entry).keras")
            let started = Date()
            let entries =
                entry == "config.json"
                ? ZipFixtures.keras(config: .zeros(size), configMethod: .deflate)
                : ZipFixtures.keras(weights: .zeros(size), weightsMethod: .deflate)
            try ZipFixtures.write(entries, to: path)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            print("zip bomb \(entry): \(bytes) bytes for \(size) inflated, made in \(Int(Date().timeIntervalSince(started))) s")
            for lying in [false, true] {
                if lying { try ZipFixtures.lie(about: entry, size: 1000, in: path) }
                let start = Date()
                let error = try ModelTesting.refusal(path)
                switch (lying, error) {
                case (false, .entryTooLarge(_, entry, cap)), (true, .entryDamaged(_, entry, _)): break
                default: XCTFail("\(entry) lying \(lying): \(error)")
                }
                XCTAssertFalse(error.errorDescription!.contains("\n"))
                print(
                    "zip bomb \(entry) \(lying ? "lying" : "honest") refused in \(String(format: "%.2f", Date().timeIntervalSince(start))) s: "
                        + error.errorDescription!)
            }
        }
    }
}
