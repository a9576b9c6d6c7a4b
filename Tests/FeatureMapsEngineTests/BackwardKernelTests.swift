import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Every backward kernel (a) against its plain twin in ReferenceBackward on awkward shapes (channels
/// 1, 3, 17; odd sizes; stride 2 with Keras's padding) and (b) against finite differences of the
/// forward kernel it differentiates (FiniteDifference.swift).
final class BackwardKernelTests: XCTestCase {
    let twinSizes: [(h: Int, w: Int)] = [(1, 1), (2, 2), (5, 7), (8, 8), (13, 4), (33, 35)]
    let fdSizes: [(h: Int, w: Int)] = [(1, 1), (2, 2), (5, 7), (13, 4)]
    let channelCounts = [1, 3, 17]

    func testPointwiseBackward() {
        var rng = SplitMix64(seed: 101)
        for (h, w) in twinSizes {
            for cin in channelCounts {
                for cout in channelCounts {
                    let k = rng.floats(cin * cout), u = rng.tensor(h, w, cout)
                    let fast = Kernels.pointwiseConvBackward(u, kernel: k, inChannels: cin)
                    let ref = ReferenceBackward.conv2dInput(
                        u, kernel: k, kernelSize: 1, inChannels: cin, stride: 1,
                        padTop: 0, padLeft: 0, inHeight: h, inWidth: w)
                    assertClose(fast, ref, "pointwise backward \(h)x\(w)x\(cin)->\(cout)")
                    guard h * w <= 91 else { continue }
                    FiniteDifference.check(
                        "pointwise \(h)x\(w)x\(cin)->\(cout)", x: rng.tensor(h, w, cin), upstream: u,
                        gradient: fast
                    ) { Kernels.pointwiseConv($0, kernel: k, outChannels: cout) }
                }
            }
        }
    }

    /// Conv1's 3x3 stride-2 'same' convolution; the twin's padding is TensorFlow's rule written out.
    func testStemBackward() {
        var rng = SplitMix64(seed: 102)
        for (h, w) in twinSizes {
            for cin in channelCounts {
                for cout in [1, 17] {
                    let oh = (h + 1) / 2, ow = (w + 1) / 2
                    let top = max((oh - 1) * 2 + 3 - h, 0) / 2, left = max((ow - 1) * 2 + 3 - w, 0) / 2
                    let k = rng.floats(9 * cin * cout), u = rng.tensor(oh, ow, cout)
                    let fast = Kernels.stemConvBackward(u, kernel: k, inHeight: h, inWidth: w, inChannels: cin)
                    let ref = ReferenceBackward.conv2dInput(
                        u, kernel: k, kernelSize: 3, inChannels: cin, stride: 2,
                        padTop: top, padLeft: left, inHeight: h, inWidth: w)
                    assertClose(fast, ref, "stem backward \(h)x\(w)x\(cin)->\(cout)")
                    guard h * w <= 91 else { continue }
                    FiniteDifference.check(
                        "stem \(h)x\(w)x\(cin)->\(cout)", x: rng.tensor(h, w, cin), upstream: u,
                        gradient: fast
                    ) { Kernels.stemConv($0, kernel: k, outChannels: cout) }
                }
            }
        }
    }

    func testDepthwiseStride1Backward() {
        var rng = SplitMix64(seed: 103)
        for (h, w) in twinSizes {
            for c in channelCounts {
                let k = rng.floats(9 * c), u = rng.tensor(h, w, c)
                let fast = Kernels.depthwiseConv3x3Backward(u, kernel: k, stride: 1, padTop: 1, padLeft: 1, inHeight: h, inWidth: w)
                let ref = ReferenceBackward.depthwiseConv3x3Input(
                    u, kernel: k, stride: 1, padTop: 1, padLeft: 1,
                    inHeight: h, inWidth: w)
                assertClose(fast, ref, "depthwise s1 backward \(h)x\(w)x\(c)")
                guard h * w <= 91 else { continue }
                FiniteDifference.check("depthwise s1 \(h)x\(w)x\(c)", x: rng.tensor(h, w, c), upstream: u, gradient: fast) {
                    Kernels.depthwiseConv3x3($0, kernel: k, stride: 1, padTop: 1, padLeft: 1, outHeight: h, outWidth: w)
                }
            }
        }
    }

    /// Stride 2 after ZeroPadding2D(correct_pad): the fused kernel (padding as offsets) equals the
    /// literal Keras graph backwards (valid convolution on the padded map, then the padding cut off),
    /// and both match finite differences of the literal forward graph.
    func testDepthwiseStride2BackwardWithKerasPadding() {
        var rng = SplitMix64(seed: 104)
        for (h, w) in twinSizes where h >= 2 && w >= 2 {
            for c in channelCounts {
                let ph = MobileNetV2Architecture.stride2Padding(h), pw = MobileNetV2Architecture.stride2Padding(w)
                let (oh, ow) = ((h + 1) / 2, (w + 1) / 2)
                let k = rng.floats(9 * c), u = rng.tensor(oh, ow, c)
                let fused = Kernels.depthwiseConv3x3Backward(
                    u, kernel: k, stride: 2, padTop: ph.before, padLeft: pw.before,
                    inHeight: h, inWidth: w)
                let (paddedH, paddedW) = (h + ph.before + ph.after, w + pw.before + pw.after)
                let gPadded = ReferenceBackward.depthwiseConv3x3Input(
                    u, kernel: k, stride: 2, padTop: 0, padLeft: 0,
                    inHeight: paddedH, inWidth: paddedW)
                let literal = ReferenceBackward.zeroPad(gPadded, top: ph.before, bottom: ph.after, left: pw.before, right: pw.after)
                assertClose(fused, literal, "depthwise s2 backward \(h)x\(w)x\(c)")
                let unfused = Kernels.zeroPadBackward(
                    Kernels.depthwiseConv3x3Backward(
                        u, kernel: k, stride: 2, padTop: 0, padLeft: 0,
                        inHeight: paddedH, inWidth: paddedW),
                    top: ph.before, bottom: ph.after, left: pw.before, right: pw.after)
                assertClose(unfused, literal, "depthwise s2 backward, pad then valid, \(h)x\(w)x\(c)")
                guard h * w <= 91 else { continue }
                FiniteDifference.check("depthwise s2 \(h)x\(w)x\(c)", x: rng.tensor(h, w, c), upstream: u, gradient: fused) {
                    let padded = Kernels.zeroPad($0, top: ph.before, bottom: ph.after, left: pw.before, right: pw.after)
                    return ReferenceKernels.depthwiseConv3x3(
                        padded, kernel: k, stride: 2, padTop: 0, padLeft: 0,
                        outHeight: oh, outWidth: ow)
                }
            }
        }
    }

    /// BatchNorm alone and fused with the ReLU6 mask; inputs are kept at least 0.05 away from the
    /// kinks (BN output 0 and 6) so that the finite difference never straddles one.
    func testBatchNormAndReLU6Backward() {
        var rng = SplitMix64(seed: 105)
        for (h, w) in fdSizes {
            for c in channelCounts {
                let gamma = rng.floats(c).map { $0 + 1.5 }, beta = rng.floats(c), mean = rng.floats(c)
                let variance = rng.floats(c).map { $0 * $0 + 0.1 }
                let bn = BatchNormAffine(gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: 0.001)
                var x = Tensor(height: h, width: w, channels: c, data: rng.floats(h * w * c, scale: 5))
                for i in x.data.indices {
                    let ci = i % c
                    while [0, 6].contains(where: { abs(x.data[i] * bn.scale[ci] + bn.shift[ci] - $0) < 0.05 }) {
                        x.data[i] += 0.1
                    }
                }
                var y = x
                Kernels.batchNorm(&y, bn, relu6: true)
                XCTAssert(y.data.contains { $0 == 0 || $0 == 6 } || h * w * c < 10, "some units should be clamped")
                let u = rng.tensor(h, w, c)
                for relu in [false, true] {
                    var fast = u
                    Kernels.batchNormBackward(&fast, bn, reluOutput: relu ? y : nil)
                    let ref = ReferenceBackward.batchNorm(
                        u, gamma: gamma, variance: variance, epsilon: 0.001,
                        reluOutput: relu ? y : nil)
                    assertClose(fast, ref, "batchnorm backward \(h)x\(w)x\(c) relu6=\(relu)")
                    FiniteDifference.check("batchnorm \(h)x\(w)x\(c) relu6=\(relu)", x: x, upstream: u, gradient: fast) {
                        var t = $0
                        Kernels.batchNorm(&t, bn, relu6: relu)
                        return t
                    }
                }
                var masked = u
                Kernels.relu6Backward(&masked, output: y)
                assertClose(masked, ReferenceBackward.relu6(u, output: y), "relu6 backward \(h)x\(w)x\(c)")
                var bnThenMask = ReferenceBackward.relu6(u, output: y)
                Kernels.batchNormBackward(&bnThenMask, bn)
                var fused = u
                Kernels.batchNormBackward(&fused, bn, reluOutput: y)
                assertClose(fused, bnThenMask, "fused relu6 + batchnorm backward \(h)x\(w)x\(c)")
            }
        }
    }

    /// TensorFlow's Relu6Grad: no gradient at exactly 0 or 6, full gradient strictly between.
    func testReLU6BackwardAtTheKinks() {
        let y = Tensor(height: 1, width: 1, channels: 5, data: [0, 1e-7, 3, 6 - 1e-6, 6])
        var g = Tensor(height: 1, width: 1, channels: 5, data: [1, 1, 1, 1, 1])
        Kernels.relu6Backward(&g, output: y)
        XCTAssertEqual(g.data, [0, 1, 1, 1, 0])
    }

    func testZeroPadPoolAndDenseBackward() {
        var rng = SplitMix64(seed: 106)
        for (h, w) in fdSizes {
            for c in channelCounts {
                for (top, bottom, left, right) in [(0, 1, 0, 1), (1, 1, 1, 1), (2, 0, 1, 3)] {
                    let x = rng.tensor(h, w, c), u = rng.tensor(h + top + bottom, w + left + right, c)
                    let fast = Kernels.zeroPadBackward(u, top: top, bottom: bottom, left: left, right: right)
                    assertClose(
                        fast, ReferenceBackward.zeroPad(u, top: top, bottom: bottom, left: left, right: right),
                        "zero pad backward \(h)x\(w)x\(c)")
                    FiniteDifference.check("zero pad \(h)x\(w)x\(c)", x: x, upstream: u, gradient: fast) {
                        Kernels.zeroPad($0, top: top, bottom: bottom, left: left, right: right)
                    }
                }
                let x = rng.tensor(h, w, c), u = rng.tensor(1, 1, c)
                let pooled = Kernels.globalAveragePoolBackward(u, height: h, width: w)
                assertClose(pooled, ReferenceBackward.globalAveragePool(u, height: h, width: w), "pool backward \(h)x\(w)x\(c)")
                FiniteDifference.check("pool \(h)x\(w)x\(c)", x: x, upstream: u, gradient: pooled) { Kernels.globalAveragePool($0) }
            }
        }
        for k in channelCounts {
            for n in channelCounts {
                let kernel = rng.floats(k * n), bias = rng.floats(n), u = rng.tensor(1, 1, n)
                let fast = Kernels.denseBackward(u, kernel: kernel)
                assertClose(fast, ReferenceBackward.dense(u, kernel: kernel), "dense backward \(k)->\(n)")
                FiniteDifference.check("dense \(k)->\(n)", x: rng.tensor(1, 1, k), upstream: u, gradient: fast) {
                    Kernels.dense($0, kernel: kernel, bias: bias)
                }
            }
        }
    }
}
