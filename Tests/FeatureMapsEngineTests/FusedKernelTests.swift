import XCTest
import FeatureMapsKernelTypes
@testable import FeatureMapsEngine
import TestSupport

/// The fused kernels (convolution + BatchNorm + residual + ReLU6 in one pass, split into tasks)
/// against their plain twins, on shapes that cross every path: channel counts below, at, above and
/// off the 8- and 16-lane vector widths, at both widths; maps too small for a tile, with odd sizes, and large enough to be
/// split into several tasks; stride 1 and 2 with Keras's paddings. Fused results must also be
/// bit-identical to the separate passes, and to themselves with any number of threads.
final class FusedKernelTests: XCTestCase {
    let channelCounts = [1, 3, 8, 17, 24, 32, 48, 67, 80, 144]
    let sizes: [(h: Int, w: Int)] = [(1, 1), (2, 3), (5, 7), (9, 13), (33, 35)]

    func randomBN(_ c: Int, _ rng: inout SplitMix64) -> (BatchNormAffine, [[Float]]) {
        let gamma = rng.floats(c).map { $0 * 3 }, beta = rng.floats(c, scale: 2), mean = rng.floats(c)
        let variance = rng.floats(c).map { $0 * $0 + 0.1 }
        return (BatchNormAffine(gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: 0.001), [gamma, beta, mean, variance])
    }

    func testDepthwiseWithBatchNormAndReLU6MatchesReferenceAndSeparatePasses() {
        let widths = testedWidths()
        var rng = SplitMix64(seed: 11)
        for (h, w) in sizes {
            for c in channelCounts {
                let x = rng.tensor(h, w, c), k = rng.floats(9 * c, scale: 2)
                let (bn, v) = randomBN(c, &rng)
                for stride in [1, 2] {
                    let pad = stride == 1 ? (1, 1) : (h % 2, w % 2)  // correct_pad: (1 - adjust) with adjust = 1 - n % 2
                    let (oh, ow) = stride == 1 ? (h, w) : ((h + 1) / 2, (w + 1) / 2)
                    let raw = ReferenceKernels.depthwiseConv3x3(
                        x, kernel: k, stride: stride, padTop: pad.0, padLeft: pad.1,
                        outHeight: oh, outWidth: ow)
                    for relu in [false, true] {
                        let what = "depthwise s\(stride) \(h)x\(w)x\(c) relu6=\(relu)"
                        let fused = Kernels.depthwiseConv3x3(
                            x, kernel: k, stride: stride, padTop: pad.0, padLeft: pad.1,
                            outHeight: oh, outWidth: ow, bn: bn, relu6: relu)
                        let ref = ReferenceKernels.batchNorm(
                            raw, gamma: v[0], beta: v[1], mean: v[2], variance: v[3],
                            epsilon: 0.001, relu6: relu)
                        assertClose(fused, ref, tolerance: 2e-5, what)
                        var separate = Kernels.depthwiseConv3x3(
                            x, kernel: k, stride: stride, padTop: pad.0, padLeft: pad.1,
                            outHeight: oh, outWidth: ow)
                        Kernels.batchNorm(&separate, bn, relu6: relu)
                        XCTAssertEqual(fused.data, separate.data, "\(what): fused and separate passes differ")
                        let threaded = Kernels.depthwiseConv3x3(
                            x, kernel: k, stride: stride, padTop: pad.0, padLeft: pad.1,
                            outHeight: oh, outWidth: ow, bn: bn, relu6: relu, threads: 3)
                        XCTAssertEqual(fused.data, threaded.data, "\(what): 1 and 3 threads differ")
                        for width in widths {
                            let other = Kernels.depthwiseConv3x3(
                                x, kernel: k, stride: stride, padTop: pad.0, padLeft: pad.1,
                                outHeight: oh, outWidth: ow, bn: bn, relu6: relu, simd: width)
                            XCTAssert(fused.data == other.data, "\(what): \(width) differs")
                        }
                    }
                }
            }
        }
    }

    /// Several tasks per layer: 40x40 (M = 1600, split by rows), and 7x7 with 320 outputs (split by columns).
    func testPointwiseWithBatchNormResidualAndReLU6MatchesReference() {
        let widths = testedWidths()
        var rng = SplitMix64(seed: 12)
        let shapes: [(h: Int, w: Int, cin: Int, cout: Int)] = [
            (1, 1, 3, 8), (5, 7, 17, 17), (40, 40, 8, 96), (40, 40, 24, 24), (7, 7, 17, 320), (3, 5, 64, 100),
            (40, 40, 40, 64), (7, 7, 48, 320),  // OpenBLAS (K > 32) with several row blocks, and with column blocks
        ]
        for (h, w, cin, cout) in shapes {
            let x = rng.tensor(h, w, cin), k = rng.floats(cin * cout)
            let (bn, v) = randomBN(cout, &rng)
            let raw = ReferenceKernels.conv2d(
                x, kernel: k, kernelSize: 1, outChannels: cout, stride: 1, padTop: 0, padLeft: 0,
                outHeight: h, outWidth: w)
            let plain = Kernels.pointwiseConv(x, kernel: k, outChannels: cout)
            assertClose(plain, raw, "pointwise \(h)x\(w)x\(cin)->\(cout)")
            let residual = rng.tensor(h, w, cout)
            for (useResidual, relu) in [(false, true), (true, false), (false, false)] {
                let what = "pointwise \(h)x\(w)x\(cin)->\(cout) residual=\(useResidual) relu6=\(relu)"
                let fused = Kernels.pointwiseConv(
                    x, kernel: k, outChannels: cout, bn: bn,
                    residual: useResidual ? residual : nil, relu6: relu)
                var ref = ReferenceKernels.batchNorm(
                    raw, gamma: v[0], beta: v[1], mean: v[2], variance: v[3],
                    epsilon: 0.001, relu6: relu)
                if useResidual { ref.data = zip(ref.data, residual.data).map { Float(Double($0) + Double($1)) } }
                assertClose(fused, ref, tolerance: 2e-5, what)
                var separate = plain
                Kernels.batchNorm(&separate, bn, relu6: relu)
                if useResidual { Kernels.add(&separate, residual) }
                XCTAssertEqual(fused.data, separate.data, "\(what): fused and separate passes differ")
                let threaded = Kernels.pointwiseConv(
                    x, kernel: k, outChannels: cout, bn: bn,
                    residual: useResidual ? residual : nil, relu6: relu, threads: 2)
                XCTAssertEqual(fused.data, threaded.data, "\(what): 1 and 2 threads differ")
                for width in widths {
                    let other = Kernels.pointwiseConv(
                        x, kernel: k, outChannels: cout, bn: bn,
                        residual: useResidual ? residual : nil, relu6: relu, simd: width)
                    if Kernels.gemmChoice(m: h * w, k: cin, n: cout, simd: width) == Kernels.gemmChoice(m: h * w, k: cin, n: cout, simd: .best) {
                        XCTAssert(fused.data == other.data, "\(what): \(width) differs")
                    } else {
                        assertClose(other, ref, tolerance: 2e-5, "\(what), \(width)")
                    }
                }
            }
        }
    }

    /// Every output of every GEMM shape of MobileNetV2 (and some odd ones) belongs to exactly one task.
    func testGEMMTasksCoverEachOutputOnce() {
        for (m, n) in [(1, 1), (49, 1280), (49, 320), (196, 64), (3136, 24), (12544, 96), (12544, 16), (100, 17), (17, 100)] {
            for tasks in [
                GEMMTasks(m: m, n: n), GEMMTasks(registerM: m, n: n, tileRows: 7, panel: 32),
                GEMMTasks(registerM: m, n: n, tileRows: 4, panel: 16),
            ] {
                var hits = [Int](repeating: 0, count: m * n)
                for t in 0..<tasks.count {
                    let (rows, cols) = tasks.block(t)
                    for r in rows { for c in cols { hits[r * n + c] += 1 } }
                }
                XCTAssert(hits.allSatisfy { $0 == 1 }, "GEMM \(m)x\(n): tasks \(tasks) do not tile the output")
            }
        }
        // The register GEMM's split gives two cores equal shares (within a tenth) in every
        // MobileNetV2 layer shape, the 7x7 ones included: tasks taken greedily, largest first.
        for (m, n) in [(784, 32), (196, 64), (196, 96), (3136, 24), (49, 160), (49, 960), (49, 1280), (49, 320), (12544, 96)] {
            let tasks = GEMMTasks(registerM: m, n: n, tileRows: 7, panel: 32)
            var load = [0, 0]
            for size in (0..<tasks.count).map({ tasks.block($0).rows.count * tasks.block($0).cols.count }).sorted(by: >) {
                load[load[0] <= load[1] ? 0 : 1] += size
            }
            XCTAssertLessThanOrEqual(Double(load.max()!) / Double(m * n), 0.55, "\(m)x\(n): \(tasks)")
        }
    }

    /// Workers that parked between task sets (they poll for 300 microseconds first) are woken.
    func testThreadPoolWakesParkedWorkers() {
        for threads in 2...3 {
            let pool = ThreadPool(threads: threads)
            for round in 0..<30 {
                if round % 3 == 0 { usleep(20_000) }  // long enough for every worker to park
                var hits = [Int](repeating: 0, count: 16)
                hits.withUnsafeMutableBufferPointer { buf in
                    let p = buf.baseAddress
                    pool.parallelFor(16) { i in p![i] += 1 }
                }
                XCTAssert(hits.allSatisfy { $0 == 1 }, "\(threads) threads, round \(round): \(hits)")
            }
        }
    }

    func testThreadPoolRunsEveryTaskOnce() {
        for threads in 1...4 {
            let pool = ThreadPool(threads: threads)
            for count in [0, 1, 2, 3, 7, 64, 1000] {
                for _ in 0..<20 {
                    var hits = [Int](repeating: 0, count: count)
                    hits.withUnsafeMutableBufferPointer { buf in
                        let p = buf.baseAddress
                        pool.parallelFor(count) { i in p![i] += 1 }
                    }
                    XCTAssert(hits.allSatisfy { $0 == 1 }, "\(threads) threads, \(count) tasks: \(hits.prefix(10))")
                }
            }
        }
    }
}

/// The register GEMM against its twin, OpenBLAS, at both vector widths (16 lanes where the CPU has
/// AVX-512): reduction lengths from 1 to past 128, row counts that leave every tail of a tile, and
/// column counts that leave every column path (pairs of vectors, one vector, half a vector, single
/// columns). Tiling and width must change no bit.
final class RegisterGEMMTests: XCTestCase {
    func testRegisterGEMMMatchesOpenBLASAtEveryWidth() throws {
        var rng = SplitMix64(seed: 13)
        let widths = testedWidths()
        if widths.count < 2 { print("RegisterGEMMTests: this CPU has no AVX-512; only the 8-lane kernels are tested") }
        for k in [1, 3, 16, 17, 27, 32, 96, 145] {
            for (m, n) in [(1, 8), (5, 16), (7, 24), (13, 17), (33, 40), (64, 96), (9, 1), (17, 3), (19, 100), (11, 52)] {
                let a = rng.floats(m * k), b = rng.floats(k * n), residual = rng.floats(m * n)
                let scale = rng.floats(n), shift = rng.floats(n)
                var blas = [Float](repeating: 0, count: m * n)
                var results: [[Float]] = []
                scale.withUnsafeBufferPointer { sc in
                    shift.withUnsafeBufferPointer { sh in
                        residual.withUnsafeBufferPointer { r in
                            let e = Epilogue(scale: sc.baseAddress, shift: sh.baseAddress, residual: r.baseAddress, relu6: true)
                            BLAS.gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &blas, ldc: n)
                            blas.withUnsafeMutableBufferPointer { e.apply($0.baseAddress!, rows: m, cols: n, ld: n, channel0: 0) }
                            for width in widths {
                                var whole = [Float](repeating: .nan, count: m * n), tiled = whole
                                whole.withUnsafeMutableBufferPointer { width.kernels.gemm(a, k, b, n, $0.baseAddress!, 0..<m, 0..<n, e) }
                                // The same outputs computed as two row blocks and two column blocks.
                                tiled.withUnsafeMutableBufferPointer { c in
                                    for rows in [0..<(m / 2), (m / 2)..<m] where !rows.isEmpty {
                                        for cols in [0..<(n / 2), (n / 2)..<n] where !cols.isEmpty {
                                            width.kernels.gemm(a, k, b, n, c.baseAddress!, rows, cols, e)
                                        }
                                    }
                                }
                                XCTAssert(whole == tiled, "register GEMM m \(m) n \(n) k \(k), \(width): tiling changed a value")
                                results.append(whole)
                            }
                        }
                    }
                }
                let what = "register GEMM m \(m) n \(n) k \(k)"
                assertClose(
                    Tensor(height: m, width: 1, channels: n, data: results[0]), Tensor(height: m, width: 1, channels: n, data: blas),
                    tolerance: 2e-5, what)
                for other in results.dropFirst() { XCTAssert(other == results[0], "\(what): 8 and 16 lanes differ") }
            }
        }
    }
}

/// The CPU check against an independent source: the flags the kernel lists in /proc/cpuinfo.
final class SIMDWidthTests: XCTestCase {
    func testBestWidthFollowsTheCPUFlags() throws {
        #if arch(x86_64) && os(Linux)
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        guard let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else {
            throw XCTSkip("/proc/cpuinfo has no flags line")
        }
        let flags = Set(line.split(separator: ":").last!.split(separator: " ").map(String.init))
        let avx512 = ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
        XCTAssertEqual(SIMDWidth.best, avx512 ? .lanes16 : .lanes8, "cpuinfo flags: avx512 \(avx512)")
        XCTAssertTrue(SIMDWidth.lanes8.isSupported)
        XCTAssertEqual(SIMDWidth.lanes16.isSupported, avx512)
        XCTAssertEqual(SIMDWidth.lanes8.kernels.lanes, 8)
        if avx512 { XCTAssertEqual(SIMDWidth.lanes16.kernels.lanes, 16) }  // never touch AVX-512 code without it
        #else
        throw XCTSkip("the AVX-512 check is for x86-64 Linux")
        #endif
    }
}

/// Blocks on large maps run their expansion and depthwise layer band by band
/// (FusedExpandDepthwiseLayer, Kernels.bandedExpandDepthwise); asking for an expansion output runs
/// them layer by layer. Both must give the same bits, at both vector widths and with 1, 2 and 3
/// threads, also at sizes whose bands end unevenly. (At 448 x 448 the alpha-0.35 model bands
/// blocks 1-4: stride 2 and stride 1.)
final class BandedBlockTests: XCTestCase {
    func testBandedBlocksMatchTheLayerByLayerPath() throws {
        let weights = try GradientPassTests.weights()
        var rng = SplitMix64(seed: 31)
        for (h, w) in [(448, 448), (451, 437)] {
            let x = rng.tensor(h, w, 3)
            let graph = try MobileNetV2Graph.graph(weights, height: h, width: w)
            let wanted = ["block_1_depthwise_relu", "block_2_depthwise_relu", "block_3_project_BN", "block_4_add", "block_5_add"]
            for simd in testedWidths() {
                let executor = GraphExecutor(graph: graph, threads: 1, fusions: StandardFusions.passes(simd: simd))
                let plan = executor.plan(keeping: Set(try wanted.map(graph.value(named:))))
                let banded = plan.steps.compactMap { step -> String? in
                    var layer = step.layer
                    if let block = layer as? FusedInvertedResidualLayer, case .expandDepthwise(let head) = block.head { layer = head }
                    guard let l = layer as? FusedExpandDepthwiseLayer, l.runsBanded(graph.shape(of: step.inputs[0])) else { return nil }
                    return graph.nodes[step.nodes[0]].name
                }
                XCTAssert(Set(banded).isSuperset(of: (1...4).map { "block_\($0)_expand" }), "\(h)x\(w) \(simd): banded blocks \(banded)")
                let layerByLayer = try executor.run(
                    [NDArray(x)], outputs: wanted + ["block_1_expand_relu", "block_2_expand_relu", "block_3_expand_relu", "block_4_expand_relu"])
                for threads in [1, 2, 3] {
                    let run = try GraphExecutor(graph: graph, threads: threads, fusions: StandardFusions.passes(simd: simd))
                        .run([NDArray(x)], outputs: wanted)
                    for name in wanted {
                        XCTAssert(run[name]!.data == layerByLayer[name]!.data, "\(name) \(h)x\(w) \(simd) \(threads) threads differs")
                    }
                }
            }
        }
    }
}
