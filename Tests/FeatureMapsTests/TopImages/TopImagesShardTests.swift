import XCTest
@testable import FeatureMaps

// --shard: i/n parsing (0-based) and its refusals; auto from a Kubernetes Indexed Job's or a Slurm
// array's variables; the shards of a list partition it.
final class TopImagesShardTests: XCTestCase {
    func testParsesIndexOfCountAndRefusesTheRest() throws {
        XCTAssertEqual(try TopImagesShard.parse("0/1", environment: [:]), TopImagesShard(index: 0, count: 1))
        XCTAssertEqual(try TopImagesShard.parse("2/3", environment: [:]), TopImagesShard(index: 2, count: 3))
        for bad in ["3/2", "2/2", "0/0", "-1/2", "a/b", "1/", "/2", "1/2/3", "1", " 1/2", "+1/2", ""] {
            XCTAssertThrowsError(try TopImagesShard.parse(bad, environment: [:]), bad) { error in
                XCTAssertEqual(error as? TopImagesError, .badShard(bad))
                XCTAssert(error.localizedDescription.contains("--shard \(bad) "), error.localizedDescription)
            }
        }
    }

    func testAutoReadsKubernetesThenSlurm() throws {
        let k8s = ["JOB_COMPLETION_INDEX": "3", "JOB_COMPLETIONS": "4", "SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"]
        XCTAssertEqual(try TopImagesShard.parse("auto", environment: k8s), TopImagesShard(index: 3, count: 4))
        let slurm = ["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "4"]
        XCTAssertEqual(try TopImagesShard.parse("auto", environment: slurm), TopImagesShard(index: 2, count: 4))
        let stepped = ["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_STEP": "4", "SLURM_ARRAY_TASK_COUNT": "3"]
        XCTAssertEqual(try TopImagesShard.parse("auto", environment: stepped), TopImagesShard(index: 2, count: 3))
        XCTAssertEqual(try TopImagesShard.parse("auto", environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"]).index, 1)
        XCTAssertThrowsError(try TopImagesShard.parse("auto", environment: [:])) { XCTAssertEqual($0 as? TopImagesError, .noShardEnvironment) }
        for env in [
            ["JOB_COMPLETION_INDEX": "4", "JOB_COMPLETIONS": "4"], ["JOB_COMPLETION_INDEX": "0"],
            ["JOB_COMPLETION_INDEX": "x", "JOB_COMPLETIONS": "2"],
            ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "4"],
            ["SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_COUNT": "4"],
        ] {
            XCTAssertThrowsError(try TopImagesShard.parse("auto", environment: env), "\(env)") {
                guard case .shardEnvironment = $0 as? TopImagesError else { return XCTFail("\(env): \($0)") }
            }
        }
    }

    func testShardsPartitionTheList() {
        let n = 3
        let shards = (0..<n).map { TopImagesShard(index: $0, count: n) }
        for p in 0..<20 { XCTAssertEqual(shards.filter { $0.contains(p) }.map(\.index), [p % n]) }
    }
}
