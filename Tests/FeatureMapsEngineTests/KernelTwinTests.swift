import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Every fast kernel against its plain reference twin on awkward shapes: channel counts 1, 3, 17
/// (below, at and off any vector width), odd and even sizes, stride 2 with Keras's padding.
final class KernelTwinTests: XCTestCase {
    let sizes: [(h: Int, w: Int)] = [(1, 1), (2, 2), (5, 7), (8, 8), (13, 4), (33, 35)]
    let channelCounts = [1, 3, 17]

    func testPointwiseMatchesReference() {
        var rng = SplitMix64(seed: 1)
        for (h, w) in sizes {
            for cin in channelCounts {
                for cout in channelCounts {
                    let x = rng.tensor(h, w, cin), k = rng.floats(cin * cout)
                    let fast = Kernels.pointwiseConv(x, kernel: k, outChannels: cout)
                    let ref = ReferenceKernels.conv2d(
                        x, kernel: k, kernelSize: 1, outChannels: cout, stride: 1,
                        padTop: 0, padLeft: 0, outHeight: h, outWidth: w)
                    assertClose(fast, ref, "pointwise \(h)x\(w)x\(cin)->\(cout)")
                }
            }
        }
    }

    /// Conv1: 3x3 stride 2 'same' as TensorFlow pads it (0 before / 1 after on even sizes, 1 / 1 on odd).
    func testStemMatchesReferenceWithSamePadding() {
        var rng = SplitMix64(seed: 2)
        for (h, w) in sizes {
            for cin in channelCounts {
                for cout in [1, 17] {
                    let x = rng.tensor(h, w, cin), k = rng.floats(9 * cin * cout)
                    let fast = Kernels.stemConv(x, kernel: k, outChannels: cout)
                    // TensorFlow 'same', written out independently: total = max((out-1)*2 + 3 - n, 0), before = total/2.
                    let oh = (h + 1) / 2, ow = (w + 1) / 2
                    let top = max((oh - 1) * 2 + 3 - h, 0) / 2, left = max((ow - 1) * 2 + 3 - w, 0) / 2
                    let ref = ReferenceKernels.conv2d(
                        x, kernel: k, kernelSize: 3, outChannels: cout, stride: 2,
                        padTop: top, padLeft: left, outHeight: oh, outWidth: ow)
                    assertClose(fast, ref, "stem \(h)x\(w)x\(cin)->\(cout)")
                }
            }
        }
    }

    func testDepthwiseStride1MatchesReference() {
        var rng = SplitMix64(seed: 3)
        for (h, w) in sizes {
            for c in channelCounts {
                let x = rng.tensor(h, w, c), k = rng.floats(9 * c)
                let fast = Kernels.depthwiseConv3x3(x, kernel: k, stride: 1, padTop: 1, padLeft: 1, outHeight: h, outWidth: w)
                let ref = ReferenceKernels.depthwiseConv3x3(
                    x, kernel: k, stride: 1, padTop: 1, padLeft: 1,
                    outHeight: h, outWidth: w)
                assertClose(fast, ref, "depthwise s1 \(h)x\(w)x\(c)")
            }
        }
    }

    /// Stride 2 as Keras does it: ZeroPadding2D(correct_pad) then a 'valid' convolution, built here
    /// literally (pad, then convolve without padding) and compared with the fused kernel.
    func testDepthwiseStride2MatchesKerasCorrectPad() {
        var rng = SplitMix64(seed: 4)
        for (h, w) in sizes where h >= 2 && w >= 2 {
            for c in channelCounts {
                let x = rng.tensor(h, w, c), k = rng.floats(9 * c)
                let adjust = (1 - h % 2, 1 - w % 2)  // correct_pad: ((1 - adj0, 1), (1 - adj1, 1))
                let padded = Kernels.zeroPad(x, top: 1 - adjust.0, bottom: 1, left: 1 - adjust.1, right: 1)
                let oh = (padded.height - 3) / 2 + 1, ow = (padded.width - 3) / 2 + 1
                let ref = ReferenceKernels.depthwiseConv3x3(
                    padded, kernel: k, stride: 2, padTop: 0, padLeft: 0,
                    outHeight: oh, outWidth: ow)
                let fast = Kernels.depthwiseConv3x3(
                    x, kernel: k, stride: 2, padTop: 1 - adjust.0, padLeft: 1 - adjust.1,
                    outHeight: (h + 1) / 2, outWidth: (w + 1) / 2)
                assertClose(fast, ref, "depthwise s2 \(h)x\(w)x\(c)")
            }
        }
    }

    func testFusedBatchNormReLU6MatchesReference() {
        var rng = SplitMix64(seed: 5)
        for c in channelCounts {
            let x = Tensor(height: 3, width: 5, channels: c, data: rng.floats(15 * c, scale: 10))
            let gamma = rng.floats(c).map { $0 + 1.5 }, beta = rng.floats(c), mean = rng.floats(c)
            let variance = rng.floats(c).map { $0 * $0 + 0.1 }
            let bn = BatchNormAffine(gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: 0.001)
            for relu in [false, true] {
                var fast = x
                Kernels.batchNorm(&fast, bn, relu6: relu)
                let ref = ReferenceKernels.batchNorm(
                    x, gamma: gamma, beta: beta, mean: mean, variance: variance,
                    epsilon: 0.001, relu6: relu)
                assertClose(fast, ref, "batchnorm c=\(c) relu6=\(relu)")
                if relu { XCTAssert(fast.data.allSatisfy { $0 >= 0 && $0 <= 6 }, "ReLU6 clamps to [0, 6]") }
            }
        }
    }

    func testDenseMatchesReference() {
        var rng = SplitMix64(seed: 6)
        for k in channelCounts {
            for n in channelCounts {
                let x = rng.tensor(1, 1, k), kernel = rng.floats(k * n), bias = rng.floats(n)
                assertClose(
                    Kernels.dense(x, kernel: kernel, bias: bias),
                    ReferenceKernels.dense(x, kernel: kernel, bias: bias), "dense \(k)->\(n)")
            }
        }
    }

    func testPoolingSoftmaxAddAndPad() {
        var rng = SplitMix64(seed: 7)
        let x = rng.tensor(5, 3, 17)
        let pooled = Kernels.globalAveragePool(x)
        for c in 0..<17 {
            let mean = (0..<15).map { Double(x.data[$0 * 17 + c]) }.reduce(0, +) / 15
            XCTAssertEqual(Double(pooled.data[c]), mean, accuracy: 1e-6)
        }
        let p = Kernels.softmax(Tensor(height: 1, width: 1, channels: 3, data: [1000, 1001, 999]))
        XCTAssertEqual(p.data.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(p.data[1], 1 / (1 + exp(-1) + exp(-2)), accuracy: 1e-6)
        var a = x
        Kernels.add(&a, x)
        XCTAssertEqual(a.data, x.data.map { $0 * 2 })
        let padded = Kernels.zeroPad(x, top: 0, bottom: 1, left: 1, right: 1)
        XCTAssertEqual(padded.shape, TensorShape(height: 6, width: 5, channels: 17))
        XCTAssertEqual(padded[0, 1, 4], x[0, 0, 4])
        XCTAssertEqual(padded[5, 2, 0], 0)
        XCTAssertEqual(padded[2, 0, 3], 0)
    }
}
