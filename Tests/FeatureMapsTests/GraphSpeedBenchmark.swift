import Foundation
import XCTest
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsWeights

/// The fused MobileNetV2 graph (MobileNetV2Graph + StandardFusions, as NetworkPass runs it) against the old hand-written path
/// (ForwardPass), MobileNetV2 1.0 224 with the real weights, in one process: alternating rounds
/// (so load from other processes hits both alike), at 1 and 2 threads; prints the median ms and
/// the ratio graph / old. Asserts nothing about time. Runs only with FEATUREMAPS_BENCH_GRAPH=1, in a
/// release build:
///     FEATUREMAPS_BENCH_GRAPH=1 swift test -c release --filter GraphSpeedBenchmark
final class GraphSpeedBenchmark: XCTestCase {
    func testFusedGraphAgainstTheOldPath() throws {
        guard ProcessInfo.processInfo.environment["FEATUREMAPS_BENCH_GRAPH"] == "1" else {
            throw XCTSkip("benchmark: FEATUREMAPS_BENCH_GRAPH=1 swift test -c release --filter GraphSpeedBenchmark")
        }
        OpenBLASThreads.useOne()  // as the featuremaps command runs
        let path = try Fixtures.sharedFile("weights/mobilenet_v2_1.0_224_dequantized.h5")
        let stored = try IsolatedReader.read(path: path)
        let model = try MobileNetV2(weights: stored)
        let graph = try MobileNetV2Graph.graph(stored)
        let input = try Session.open(weightsFlag: path).prepare(imageAt: try Fixtures.sharedFile("images/cat.png")).tensor
        let rounds = Int(ProcessInfo.processInfo.environment["FEATUREMAPS_BENCH_ROUNDS"] ?? "") ?? 40
        print("graph benchmark: MobileNetV2 1.0 224, real weights, \(rounds) alternating rounds after 5 warm-ups, SIMD \(SIMDWidth.best)")
        for threads in [1, 2] {
            let old = ForwardPass(model: model, threads: threads)
            let executor = GraphExecutor(graph: graph, threads: threads, fusions: StandardFusions.passes())
            var times: (old: [Double], graph: [Double]) = ([], [])
            var results: (old: [Float], graph: [Float]) = ([], [])
            for round in 0..<(rounds + 5) {
                let t0 = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
                results.old = try old.classify(input)
                let t1 = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
                results.graph = try executor.run([NDArray(input)], outputs: ["predictions"])["predictions"]!.data
                let t2 = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
                if round >= 5 {
                    times.old.append(t1 - t0)
                    times.graph.append(t2 - t1)
                }
            }
            XCTAssertEqual(Predictions.top(5, of: results.graph).map(\.classIndex), Predictions.top(5, of: results.old).map(\.classIndex))
            let (o, g) = (median(times.old), median(times.graph))
            print(
                String(
                    format: "graph benchmark: %d thread(s): old path %.2f ms, fused graph %.2f ms (medians; min %.2f / %.2f), graph / old %.3f",
                    threads, o * 1000, g * 1000, times.old.min()! * 1000, times.graph.min()! * 1000, g / o))
        }
    }

    private func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
