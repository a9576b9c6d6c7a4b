#if canImport(Glibc)
import Glibc
#endif
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsWeights
import Foundation
import XCTest
import TestSupport

/// 2,100 deterministic random mutations (byte flips, truncations, insertions, duplicated chunks)
/// of a fixture JPEG, a fixture PNG and the fixture weights file, each decoded or loaded in
/// process. Each must end in a value or a typed error: never a crash, never an allocation beyond
/// the limits. The campaign runs in a child process (this test binary, re-run on this one test)
/// that caps its own address space at its size at the start plus 768 MB (setrlimit RLIMIT_AS):
/// an attempt to allocate an image or a weight array above the documented limits fails there
/// (and is reported as a failure) instead of quietly succeeding on a large machine.
final class MutationTests: XCTestCase {
    static let childVariable = "FEATUREMAPS_MUTATION_CHILD"
    static let budgetBytes = 768 << 20
    /// The image limit in the campaign: 1 megapixel (3 MB of RGB); the JPEG and PNG fixtures hold far fewer.
    static let maxPixels = 1_000_000
    static let counts = (jpeg: 800, png: 800, weights: 500)

    func testMutationCampaign() throws {
        if ChildTest.isChild(Self.childVariable) { return try runCampaign() }
        let run = try ChildTest.rerun("FeatureMapsTests.MutationTests/testMutationCampaign", flag: Self.childVariable)
        let log = run.log
        // Only the campaign's own lines: XCTest's lines of the child must not be counted twice.
        let ours = log.split(separator: "\n").filter { $0.hasPrefix("mutation") }
        ours.forEach { print($0) }
        XCTAssertEqual(run.reason, .exit, "the campaign process crashed:\n\(log.suffix(4000))")
        XCTAssertEqual(run.status, 0, "the campaign failed:\n\(log.suffix(4000))")
        XCTAssert(ours.contains { $0.hasPrefix("mutations: 2100 ") }, "no campaign summary:\n\(log.suffix(4000))")
    }

    private func runCampaign() throws {
        let before = try XCTUnwrap(try ChildTest.capAddressSpace(adding: Self.budgetBytes), "setrlimit(RLIMIT_AS) failed")
        // The cap is real: one allocation of the whole budget must now fail.
        let probe = malloc(Self.budgetBytes)
        XCTAssertNil(probe, "RLIMIT_AS did not cap the address space")
        free(probe)
        print("mutation campaign: address space \(before >> 20) MB, capped at \((before + Self.budgetBytes) >> 20) MB")

        var random = SplitMix64(seed: 0x6665_6174_7572_6573)  // "features"
        let images: [(String, [UInt8], Int)] = [
            ("jpeg_progressive.jpg", try Self.fixture("images/codec/jpeg_progressive.jpg"), Self.counts.jpeg),
            ("fixture.png", try Self.fixture("images/fixture.png"), Self.counts.png),
        ]
        var total = 0
        for (name, original, count) in images {
            var tally = [String: Int]()
            for i in 0..<count {
                var mutant = Mutator.mutate(original, with: &random, hot: [])
                // Every other PNG mutant gets its chunk CRCs recomputed, so that the damage
                // reaches libpng's parsing and zlib instead of stopping at the first CRC check.
                if name.hasSuffix(".png") && i % 2 == 1 { Mutator.fixPNGCRCs(&mutant) }
                do {
                    let image = try ImageDecoder.decode(mutant, maxPixels: Self.maxPixels, source: name)
                    XCTAssert(image.width * image.height <= Self.maxPixels && image.pixels.count == image.width * image.height * 3)
                    tally["decoded", default: 0] += 1
                } catch let e as ImageError {
                    switch e {
                    case .outOfMemory: XCTFail("\(name) mutation \(i): \(e.errorDescription!) (an allocation beyond the limit)")
                    case let .tooManyPixels(_, w, h, limit): XCTAssertGreaterThan(w * h, limit)
                    default: break
                    }
                    let text = e.errorDescription ?? ""
                    XCTAssert(!text.isEmpty && !text.contains("\n"), text)
                    tally[Self.kind(e), default: 0] += 1
                } catch {
                    XCTFail("\(name) mutation \(i): untyped error \(error)")
                }
            }
            total += count
            print("mutations of \(name): \(count): \(tally.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        }

        let weights = try Self.fixture("weights/mobilenet_v2_0.35_224_fixture.h5")
        // Half the edits land near HDF5's metadata (B-trees, heaps, symbol tables, global heaps),
        // where a flip changes structure rather than one weight value.
        let hot = ["TREE", "HEAP", "SNOD", "GCOL"].flatMap { Mutator.offsets(of: Array($0.utf8), in: weights) }
        let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = "\(dir)/featuremaps-mutation-\(getpid()).h5"
        defer { unlink(path) }
        var tally = [String: Int]()
        for i in 0..<Self.counts.weights {
            let mutant = Mutator.mutate(weights, with: &random, hot: hot)
            _ = FileManager.default.createFile(atPath: path, contents: Data(mutant))
            do {
                let loaded = try WeightsLoader.load(path: path)
                XCTAssertLessThanOrEqual(loaded.storedParameters, KerasWeightsFile.maxValuesPerFile)
                tally["loaded", default: 0] += 1
            } catch let e as WeightsError {
                let text = e.errorDescription ?? ""
                XCTAssert(!text.isEmpty && !text.contains("\n") && text.contains(path), "mutation \(i): \(text)")
                if case .readerFailed = e { XCTFail("mutation \(i): \(text)") }
                tally[Self.kind(e), default: 0] += 1
            } catch {
                XCTFail("weights mutation \(i): untyped error \(error)")
            }
        }
        total += Self.counts.weights
        print(
            "mutations of the weights: \(Self.counts.weights): \(tally.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
        )
        print("mutations: \(total) done, address space now \(try ChildTest.addressSpaceBytes() >> 20) MB")
    }

    static func kind(_ error: Error) -> String {
        String(String(describing: error).prefix { $0 != "(" })
    }

    static func fixture(_ relative: String) throws -> [UInt8] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return [UInt8](try Data(contentsOf: root.appendingPathComponent("Fixtures/" + relative)))
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One to three edits per mutant: flip 1-8 bytes, truncate, insert 1-64 random bytes, or copy a
/// chunk of 1-4096 bytes to another place. With `hot` offsets, half the positions are taken
/// within 512 bytes after one of them.
enum Mutator {
    static func mutate(_ original: [UInt8], with random: inout SplitMix64, hot: [Int]) -> [UInt8] {
        var bytes = original
        for _ in 0..<(1 + random.below(3)) where !bytes.isEmpty {
            func position() -> Int {
                if !hot.isEmpty && random.below(2) == 0 {
                    return min(bytes.count - 1, hot[random.below(hot.count)] + random.below(512))
                }
                return random.below(bytes.count)
            }
            switch random.below(4) {
            case 0:
                for _ in 0..<(1 + random.below(8)) { bytes[position()] ^= UInt8(1 + random.below(255)) }
            case 1:
                bytes.removeSubrange(position()...)
            case 2:
                let insert = (0..<(1 + random.below(64))).map { _ in UInt8(random.below(256)) }
                bytes.insert(contentsOf: insert, at: position())
            default:
                let start = position()
                let chunk = Array(bytes[start..<min(bytes.count, start + 1 + random.below(4096))])
                bytes.insert(contentsOf: chunk, at: position())
            }
        }
        return bytes
    }

    /// Recomputes the CRC of every complete chunk after the 8-byte signature.
    static func fixPNGCRCs(_ png: inout [UInt8]) {
        var at = 8
        while at + 12 <= png.count {
            let length = Int(png[at]) << 24 | Int(png[at + 1]) << 16 | Int(png[at + 2]) << 8 | Int(png[at + 3])
            guard length <= png.count - at - 12 else { return }
            var crc: UInt32 = 0xFFFF_FFFF
            for b in png[(at + 4)..<(at + 8 + length)] {
                crc ^= UInt32(b)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            }
            crc = ~crc
            for i in 0..<4 { png[at + 8 + length + i] = UInt8((crc >> (24 - 8 * UInt32(i))) & 0xFF) }
            at += 12 + length
        }
    }

    static func offsets(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard needle.count <= haystack.count else { return [] }
        return (0...(haystack.count - needle.count)).filter { i in
            haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle)
        }
    }
}
