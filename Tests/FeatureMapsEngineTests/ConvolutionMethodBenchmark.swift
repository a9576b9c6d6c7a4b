import Foundation
import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Which general convolution is faster on ResNet's and VGG's shapes: im2col + OpenBLAS GEMM (the
/// engine's, ConvolutionGEMM) or a direct kernel (below: for each output pixel and tap, the input
/// channels' contributions to all filters at once, 16 filters to a SIMD vector, no im2col buffer).
/// Prints GFLOP/s of both on one thread and checks they agree; never asserts a time. Run with
/// FEATUREMAPS_BENCH=1 swift test -c release -Xswiftc -target-cpu -Xswiftc haswell --filter ConvolutionMethodBenchmark
/// (the target CPU makes addingProduct one FMA, as Scripts/build-release does; without it, a call to fmaf).
final class ConvolutionMethodBenchmark: XCTestCase {
    /// out[oy, ox, f] = sum over (ky, kx, c) of x[iy, ix, c] * k[ky, kx, c, f] (TensorFlow's 'same'
    /// or 'valid' window). Register-blocked as a direct kernel should be: 4 output pixels of a row x
    /// 4 vectors of 16 filters = 16 SIMD16<Float> accumulators; F must be a multiple of 64 (the shapes
    /// below are); a row's last pixels beyond OW compute on zeros and are not stored.
    static func direct(_ l: Conv2DLayer, _ x: NDArray) -> NDArray {
        let (h, w, cin) = (x.shape[0], x.shape[1], x.shape[2])
        let win = l.window(x.shape)!
        let (kh, kw, f) = (l.kernel.shape[0], l.kernel.shape[1], l.kernel.shape[3])
        let (oh, ow, nv) = (win.rows.output, win.cols.output, f / 16)
        var out = NDArray(shape: [oh, ow, f])
        let zeros = [Float](repeating: 0, count: cin)
        x.data.withUnsafeBufferPointer { src in
            l.kernel.values.withUnsafeBufferPointer { kern in
                out.data.withUnsafeMutableBufferPointer { dst in
                    let kv = UnsafeRawPointer(kern.baseAddress!).assumingMemoryBound(to: SIMD16<Float>.self)
                    zeros.withUnsafeBufferPointer { zero in
                        for oy in 0..<oh {
                            for ox0 in stride(from: 0, to: ow, by: 4) {
                                for fb in stride(from: 0, to: nv, by: 4) {
                                    var (a0, a1, a2, a3) = (SIMD16<Float>.zero, SIMD16<Float>.zero, SIMD16<Float>.zero, SIMD16<Float>.zero)
                                    var (b0, b1, b2, b3) = (a0, a1, a2, a3), (c0, c1, c2, c3) = (a0, a1, a2, a3)
                                    var (d0, d1, d2, d3) = (a0, a1, a2, a3)
                                    for ky in 0..<kh {
                                        let iy = win.rows.source(oy, ky)
                                        guard iy >= 0, iy < h else { continue }
                                        for kx in 0..<kw {
                                            func pixel(_ q: Int) -> UnsafePointer<Float> {
                                                let ix = win.cols.source(ox0 + q, kx)
                                                return ox0 + q < ow && ix >= 0 && ix < w ? src.baseAddress! + (iy * w + ix) * cin : zero.baseAddress!
                                            }
                                            let (p0, p1, p2, p3) = (pixel(0), pixel(1), pixel(2), pixel(3))
                                            let tap = kv + ((ky * kw + kx) * cin) * nv + fb
                                            for ci in 0..<cin {
                                                let row = tap + ci * nv
                                                let (w0, w1, w2, w3) = (row[0], row[1], row[2], row[3])
                                                let v0 = SIMD16<Float>(repeating: p0[ci]), v1 = SIMD16<Float>(repeating: p1[ci])
                                                let v2 = SIMD16<Float>(repeating: p2[ci]), v3 = SIMD16<Float>(repeating: p3[ci])
                                                a0 = a0.addingProduct(v0, w0); a1 = a1.addingProduct(v0, w1)
                                                a2 = a2.addingProduct(v0, w2); a3 = a3.addingProduct(v0, w3)
                                                b0 = b0.addingProduct(v1, w0); b1 = b1.addingProduct(v1, w1)
                                                b2 = b2.addingProduct(v1, w2); b3 = b3.addingProduct(v1, w3)
                                                c0 = c0.addingProduct(v2, w0); c1 = c1.addingProduct(v2, w1)
                                                c2 = c2.addingProduct(v2, w2); c3 = c3.addingProduct(v2, w3)
                                                d0 = d0.addingProduct(v3, w0); d1 = d1.addingProduct(v3, w1)
                                                d2 = d2.addingProduct(v3, w2); d3 = d3.addingProduct(v3, w3)
                                            }
                                        }
                                    }
                                    let a = [a0, a1, a2, a3], b = [b0, b1, b2, b3], c = [c0, c1, c2, c3], d = [d0, d1, d2, d3]
                                    for (q, acc) in [a, b, c, d].enumerated() where ox0 + q < ow {
                                        let o =
                                            UnsafeMutableRawPointer(dst.baseAddress! + (oy * ow + ox0 + q) * f)
                                            .assumingMemoryBound(to: SIMD16<Float>.self) + fb
                                        for j in 0..<4 { o[j] = acc[j] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    func testIm2colGEMMAgainstADirectKernel() throws {
        guard ProcessInfo.processInfo.environment["FEATUREMAPS_BENCH"] == "1" else {
            throw XCTSkip(
                "benchmark: FEATUREMAPS_BENCH=1 swift test -c release -Xswiftc -target-cpu -Xswiftc haswell --filter ConvolutionMethodBenchmark")
        }
        var random = SplitMix64(seed: 50)
        // (name, H, W, Cin, F, k, stride): ResNet50's 3x3 stages and stem-like shapes, VGG16's first block.
        let shapes = [
            ("resnet conv2 3x3", 56, 56, 64, 64, 3, 1), ("resnet conv3 3x3", 28, 28, 128, 128, 3, 1),
            ("resnet conv4 3x3", 14, 14, 256, 256, 3, 1), ("resnet conv5 3x3", 7, 7, 512, 512, 3, 1),
            ("resnet stem 7x7/2", 229, 229, 3, 64, 7, 2), ("vgg block1 3x3", 224, 224, 64, 64, 3, 1),
        ]
        let context = ExecutionContext(threads: 1, kernels: .fast)
        print("convolution method (1 thread, median of 5): name, GFLOP/s im2col+GEMM, GFLOP/s direct")
        for (name, h, w, c, f, k, s) in shapes {
            let layer = Conv2DLayer(kernel: random.weight(k, k, c, f, scale: 0.1), strides: [s, s], padding: s == 1 ? .same : .valid)
            let x = random.array(h, w, c)
            let gemm = ConvolutionGEMM.conv2d(layer, x, context), direct = Self.direct(layer, x)
            assertClose(direct, gemm, tolerance: 1e-4, name)
            func time(_ body: () -> Void) -> Double {
                body()
                var t: [Double] = []
                for _ in 0..<5 {
                    let start = DispatchTime.now().uptimeNanoseconds
                    body()
                    t.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                }
                return t.sorted()[2]
            }
            let macs = Double(gemm.shape[0] * gemm.shape[1] * layer.kernel.values.count)
            let a = time { _ = ConvolutionGEMM.conv2d(layer, x, context) }, b = time { _ = Self.direct(layer, x) }
            print(String(format: "  %-20@ %7.1f %7.1f", name as NSString, 2 * macs / a / 1e9, 2 * macs / b / 1e9))
        }
    }
}
