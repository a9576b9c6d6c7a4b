import XCTest
@testable import FeatureMaps

// Merge of shard partials: 3 shards of a run over the oracle images give the rows, CSV and JSON of
// one job over all of them (after a round trip through the shard file); mismatched, duplicated
// and missing shards are refused naming the files.
final class TopImagesMergeTests: XCTestCase {
    static let images = (0..<12).map { i in
        let names = try! FileManager.default.contentsOfDirectory(atPath: Fixtures.path("Fixtures/reference/top_images/images")).sorted()
        return Fixtures.path("Fixtures/reference/top_images/images/" + names[i])
    }

    func job(_ session: Session, k: Int = 3, score: TopImagesScore = .max, shard: TopImagesShard?) throws -> TopImagesJob {
        let job = try TopImagesJob(
            session: session, layer: try session.resolve("block_3_expand_relu"), channels: [0, 3, 7, 11], k: k, score: score, threads: 1)
        for (i, p) in Self.images.enumerated() where shard?.contains(i) ?? true { try job.add(try session.prepare(imageAt: p), order: i) }
        return job
    }

    func partials(_ session: Session, n: Int, k: Int = 3) throws -> [(file: String, partial: TopImagesPartial)] {
        try (0..<n).map { i in
            let s = TopImagesShard(index: i, count: n)
            let p = try TopImagesPartial(job: try job(session, k: k, shard: s), shard: s, imageCount: Self.images.count, imagesRead: 4)
            let file = NSTemporaryDirectory() + "/merge-test-\(i).json"
            try Data(try p.encoded()).write(to: URL(fileURLWithPath: file))
            return (file, try TopImagesPartial.read(file))
        }
    }

    func testThreeShardsMergeToOneProcess() throws {
        let session = try Session.open(weightsFlag: Fixtures.fixtureWeights)
        let whole = try job(session, shard: nil)
        let shards = try partials(session, n: 3)
        let merged = try TopImagesMerge.merge(shards.reversed())
        XCTAssertEqual(merged.rows, whole.rows)
        XCTAssertEqual(TopImagesTable.csv(merged.rows), TopImagesTable.csv(whole.rows))
        XCTAssertEqual(TopImagesTable.json(merged.rows, header: merged.header), TopImagesTable.json(whole.rows, header: whole.header))
        XCTAssertEqual(merged.imagesRead, 12)
        // Each shard alone is not the whole answer (the test above compares something).
        XCTAssertNotEqual(shards[0].partial.rows.map(\.order), whole.rows.map(\.order))
    }

    func testRefusesShardsOfDifferentRunsAndIncompleteSets() throws {
        let session = try Session.open(weightsFlag: Fixtures.fixtureWeights)
        let shards = try partials(session, n: 2)
        func refused(_ s: [(file: String, partial: TopImagesPartial)], _ mention: String, line: UInt = #line) {
            XCTAssertThrowsError(try TopImagesMerge.merge(s), line: line) {
                XCTAssert($0.localizedDescription.contains(mention), $0.localizedDescription, line: line)
                XCTAssert($0.localizedDescription.contains("merge-test-"), "names the files: \($0.localizedDescription)", line: line)
            }
        }
        func changed(_ f: (inout TopImagesPartial) -> Void) -> [(file: String, partial: TopImagesPartial)] {
            var b = shards[1]
            f(&b.partial)
            return [shards[0], b]
        }
        refused(changed { $0.header.layer = "block_6_expand_relu" }, "different layers")
        refused(changed { $0.modelSHA256 = String(repeating: "0", count: 64) }, "different models")
        refused(changed { $0.header.model = "/elsewhere/other.h5" }, "different models")
        refused(changed { $0.header.k = 4 }, "different -k")
        refused(changed { $0.header.score = .mean }, "different --by")
        refused(changed { $0.header.channels = [0, 3] }, "different --channels")
        refused(changed { $0.shard = TopImagesShard(index: 1, count: 3) }, "different shard counts")
        refused(changed { $0.imageCount = 13 }, "different image lists")
        refused([shards[0], shards[0]], "appears twice")
        XCTAssertThrowsError(try TopImagesMerge.merge([shards[1]])) {
            XCTAssertEqual($0 as? TopImagesError, .shardMissing(index: 0, count: 2, layer: "block_3_expand_relu"))
        }
        let notShard = NSTemporaryDirectory() + "/merge-test-not.json"
        try Data("{\"format\": 1}".utf8).write(to: URL(fileURLWithPath: notShard))
        XCTAssertThrowsError(try TopImagesPartial.read(notShard)) { guard case .notAShard = $0 as? TopImagesError else { return XCTFail("\($0)") } }
    }
}
