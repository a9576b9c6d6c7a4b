import XCTest
import FeatureMapsKernelTypes
@testable import FeatureMapsEngine
import TestSupport

/// The 16-lane C kernels (CKernelsAVX512) against their 8-lane Swift twins (FeatureMapsKernels),
/// called directly, bit for bit (bit patterns, so that NaN compares too), on every path of the C
/// code: the GEMM's 7x2, 24-column, 1-vector, half-vector and single-column tiles with every row tail
/// and blocks that start off the tile grid; the depthwise tiles (pairs of rows, single rows, stride
/// 1 and 2), border pixels with their 8-, 4- and 1-vector chunks and channel tails (C = 1, 3, 17, 67,
/// 80, 144, 160, which the engine itself never sends to the 16-lane depthwise unless C % 16 == 0);
/// the epilogue pass; each with BatchNorm, residual and ReLU6 on and off, and a NaN input, which
/// must stay NaN through the clamp. Skipped, saying so, on a CPU without AVX-512.
final class AVX512TwinTests: XCTestCase {
    /// BatchNorm, residual, ReLU6.
    let epilogues: [(bn: Bool, residual: Bool, relu6: Bool)] = [
        (false, false, false), (true, false, false), (true, false, true), (false, true, false), (true, true, true),
        (false, false, true),
    ]

    override func setUpWithError() throws {
        guard SIMDWidth.lanes16.isSupported else {
            throw XCTSkip(
                "this CPU (or its OS) has no AVX-512 F/BW/DQ/VL: the 16-lane C kernels cannot run here, "
                    + "so they are not compared with the 8-lane ones")
        }
    }

    /// `body` with an Epilogue of the kind asked for, over arrays that outlive it.
    func withEpilogue<R>(
        _ kind: (bn: Bool, residual: Bool, relu6: Bool), scale: [Float], shift: [Float], residual: [Float],
        _ body: (Epilogue) -> R
    ) -> R {
        scale.withUnsafeBufferPointer { sc in
            shift.withUnsafeBufferPointer { sh in
                residual.withUnsafeBufferPointer { r in
                    body(
                        Epilogue(
                            scale: kind.bn ? sc.baseAddress : nil, shift: kind.bn ? sh.baseAddress : nil,
                            residual: kind.residual ? r.baseAddress : nil, relu6: kind.relu6))
                }
            }
        }
    }

    func testGEMMIsBitIdenticalAtBothWidths() {
        var rng = SplitMix64(seed: 141)
        var variant = 0
        for k in [1, 2, 7, 33, 145] {
            for m in [1, 6, 7, 8, 9, 15, 22] {
                for n in [1, 3, 8, 16, 17, 24, 25, 31, 32, 40, 48, 56, 67, 80] {
                    var a = rng.floats(m * k, scale: 2)
                    let b = rng.floats(k * n, scale: 2), residual = rng.floats(m * n, scale: 4)
                    let scale = rng.floats(n, scale: 3), shift = rng.floats(n, scale: 4)
                    let nanRow = m / 2
                    if variant % 3 == 0 { a[nanRow * k + k / 2] = .nan }
                    let kind = epilogues[variant % epilogues.count]
                    variant += 1
                    // The whole block, and a block starting off the tile grid (row 1, column 3).
                    for (rows, cols) in [(0..<m, 0..<n), (min(1, m - 1)..<m, min(3, n - 1)..<n)] {
                        let what = "GEMM m \(m) n \(n) k \(k) rows \(rows) cols \(cols) \(kind)"
                        let out = SIMDWidth.allCases.map { width in
                            withEpilogue(kind, scale: scale, shift: shift, residual: residual) { e in
                                var c = [Float](repeating: -7, count: m * n)
                                c.withUnsafeMutableBufferPointer { width.kernels.gemm(a, k, b, n, $0.baseAddress!, rows, cols, e) }
                                return c
                            }
                        }
                        XCTAssertEqual(out[0].map(\.bitPattern), out[1].map(\.bitPattern), "\(what): 8 and 16 lanes differ")
                        if variant % 3 == 1 && rows.contains(nanRow) {
                            XCTAssert(cols.allSatisfy { out[1][nanRow * n + $0].isNaN }, "\(what): NaN lost")
                        }
                    }
                }
            }
        }
    }

    func testDepthwiseIsBitIdenticalAtBothWidths() {
        var rng = SplitMix64(seed: 142)
        var variant = 0
        for (h, w) in [(1, 1), (2, 3), (4, 4), (5, 7), (9, 13), (16, 11)] {
            for c in [1, 3, 16, 17, 67, 80, 144, 160] {
                var x = rng.floats(h * w * c, scale: 2)
                let kernel = rng.floats(9 * c, scale: 2), scale = rng.floats(c, scale: 3), shift = rng.floats(c, scale: 4)
                let nan = (h / 2 * w + w / 2) * c + c / 2
                if c % 2 == 1 { x[nan] = .nan }  // C = 1, 3, 17, 67
                for stride in [1, 2] {
                    let s = DepthwiseShape(
                        h: h, w: w, c: c, stride: stride, padTop: stride == 1 ? 1 : h % 2,
                        padLeft: stride == 1 ? 1 : w % 2, oh: stride == 1 ? h : (h + 1) / 2,
                        ow: stride == 1 ? w : (w + 1) / 2)
                    let kind = epilogues.filter { !$0.residual }[variant % 4]
                    variant += 1
                    // All rows at once, and split at an odd row (a pair of rows cut in two).
                    let splits = [[0..<s.oh], [0..<min(s.oh, 3), min(s.oh, 3)..<s.oh]]
                    for split in splits {
                        let what = "depthwise s\(stride) \(h)x\(w)x\(c) rows \(split) \(kind)"
                        let out = SIMDWidth.allCases.map { width in
                            withEpilogue(kind, scale: scale, shift: shift, residual: []) { e in
                                var y = [Float](repeating: -7, count: s.oh * s.ow * c)
                                y.withUnsafeMutableBufferPointer { dst in
                                    for rows in split { width.kernels.depthwise(s, rows, x, kernel, dst.baseAddress!, e) }
                                }
                                return y
                            }
                        }
                        XCTAssertEqual(out[0].map(\.bitPattern), out[1].map(\.bitPattern), "\(what): 8 and 16 lanes differ")
                        if x[nan].isNaN && stride == 1 {  // output (h/2, w/2) has the NaN among its taps
                            XCTAssert(out[1][nan].isNaN, "\(what): NaN lost")
                        }
                    }
                }
            }
        }
    }

    func testEpiloguePassIsBitIdenticalAtBothWidths() {
        var rng = SplitMix64(seed: 143)
        for (rows, cols, ld, channel0) in [(1, 1, 1, 0), (3, 15, 17, 2), (4, 16, 16, 0), (5, 33, 40, 7), (2, 67, 67, 13)] {
            var p = rng.floats(rows * ld, scale: 8)
            p[ld / 2] = .nan
            let residual = rng.floats(rows * ld, scale: 4)
            let scale = rng.floats(channel0 + cols, scale: 3), shift = rng.floats(channel0 + cols, scale: 4)
            for kind in epilogues {
                let out = SIMDWidth.allCases.map { width in
                    withEpilogue(kind, scale: scale, shift: shift, residual: residual) { e in
                        var q = p
                        q.withUnsafeMutableBufferPointer { width.kernels.apply(e, $0.baseAddress!, rows, cols, ld, channel0) }
                        return q
                    }
                }
                let what = "epilogue \(rows)x\(cols) ld \(ld) channel0 \(channel0) \(kind)"
                XCTAssertEqual(out[0].map(\.bitPattern), out[1].map(\.bitPattern), "\(what): 8 and 16 lanes differ")
                if ld / 2 < cols { XCTAssert(out[1][ld / 2].isNaN, "\(what): NaN lost") }
            }
        }
    }

    /// The C kernels' constants are the engine's assumptions.
    func testWidthAndTileRows() {
        XCTAssertEqual(SIMDWidth.lanes16.kernels.lanes, 16)
        XCTAssertEqual(SIMDWidth.lanes16.kernels.gemmTileRows, 7)
    }
}
