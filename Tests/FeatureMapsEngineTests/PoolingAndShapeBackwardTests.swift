import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Backward rows of the pooling, padding, resampling, reshaping, identity and affine layers
/// (BatchNormalization, Rescaling, Normalization) against finite differences (GradientCheck), on
/// channels 1, 3 and 17, odd sizes and stride 2 'same'; TensorFlow's tie rules pinned: MaxPooling2D
/// gives a window's gradient to its first maximum, GlobalMaxPooling2D (reduce_max) splits it.
final class PoolingAndShapeBackwardTests: XCTestCase {
    func testPooling2D() {
        var rng = SplitMix64(seed: 401)
        for kind in [Pooling2DLayer.Kind.max, .average] {
            for (dims, pool, strides, padding) in [
                ([5, 7, 1], [2, 2], nil, Padding.valid), ([7, 5, 3], [3, 3], [2, 2], .same), ([6, 6, 17], [2, 2], [1, 1], .same),
                ([5, 5, 3], [3, 2], [1, 2], .valid), ([1, 1, 3], [2, 2], [2, 2], .same),
            ] as [([Int], [Int], [Int]?, Padding)] {
                let layer = Pooling2DLayer(kind, poolSize: pool, strides: strides, padding: padding)
                GradientCheck.check(layer, [rng.distinct(dims)], "\(kind.rawValue) \(dims) pool \(pool) \(padding)", rng: &rng)
            }
        }
    }

    func testGlobalPooling2D() {
        var rng = SplitMix64(seed: 402)
        for kind in [GlobalPooling2DLayer.Kind.max, .average] {
            for keepDims in [false, true] {
                for dims in [[5, 7, 1], [3, 3, 17], [1, 1, 3]] {
                    GradientCheck.check(
                        GlobalPooling2DLayer(kind, keepDims: keepDims), [rng.distinct(dims)], "\(kind.rawValue) keepdims \(keepDims) \(dims)",
                        rng: &rng)
                }
            }
        }
    }

    func testTieRulesOfMaxPooling() {
        let x = NDArray(shape: [2, 2, 1], data: [3, 3, 1, 3])
        let g = NDArray(shape: [1, 1, 1], data: [1])
        XCTAssertEqual(Pooling2DLayer(.max).backward(inputs: [x], outputGradient: g)[0].data, [1, 0, 0, 0])
        XCTAssertEqual(
            GlobalPooling2DLayer(.max, keepDims: true).backward(inputs: [x], outputGradient: g)[0].data, [1.0 / 3, 1.0 / 3, 0, 1.0 / 3])
    }

    func testPaddingCroppingAndUpSampling() {
        var rng = SplitMix64(seed: 403)
        for dims in [[5, 7, 1], [3, 4, 17], [1, 1, 3]] {
            let x = rng.array(dims)
            GradientCheck.check(ZeroPadding2DLayer(top: 1, bottom: 2, left: 0, right: 3), [x], "ZeroPadding2D \(dims)", rng: &rng)
            if dims[0] > 2 && dims[1] > 3 {
                GradientCheck.check(Cropping2DLayer(top: 1, bottom: 1, left: 2, right: 1), [x], "Cropping2D \(dims)", rng: &rng)
            }
            for interpolation in [UpSampling2DLayer.Interpolation.nearest, .bilinear] {
                for size in [[2, 2], [3, 1]] {
                    GradientCheck.check(
                        UpSampling2DLayer(size: size, interpolation: interpolation), [x], "UpSampling2D \(interpolation) \(size) \(dims)", rng: &rng)
                }
            }
        }
    }

    func testReshapingAndIdentityLayers() {
        var rng = SplitMix64(seed: 404)
        let x = rng.array(3, 5, 4)
        GradientCheck.check(FlattenLayer(), [x], "Flatten", rng: &rng)
        GradientCheck.check(ReshapeLayer(targetShape: [5, -1]), [x], "Reshape", rng: &rng)
        for dims in [[2, 1, 3], [3, 2, 1], [1, 3, 2]] { GradientCheck.check(PermuteLayer(dims: dims), [x], "Permute \(dims)", rng: &rng) }
        for name in InferenceIdentityLayer.classNames {
            GradientCheck.check(InferenceIdentityLayer(kerasClassName: name), [x], name, rng: &rng)
        }
    }

    func testAffineLayers() {
        var rng = SplitMix64(seed: 405)
        for dims in [[5, 7, 1], [3, 3, 17], [4, 3]] {
            let c = dims.last!
            let variance = rng.floats(c).map { abs($0) + 0.1 }
            let x = rng.array(dims, scale: 2)
            for (gamma, beta) in [(rng.floats(c), rng.floats(c)), (nil, nil)] as [([Float]?, [Float]?)] {
                let bn = BatchNormalizationLayer(epsilon: 1e-3, gamma: gamma, beta: beta, mean: rng.floats(c), variance: variance)
                GradientCheck.check(bn, [x], "BatchNormalization \(dims) scale \(gamma != nil)", rng: &rng)
            }
            let perChannel = NDArray(shape: [c], data: rng.floats(c))
            GradientCheck.check(
                RescalingLayer(scale: perChannel, offset: NDArray(shape: [], data: [0.5])), [x], "Rescaling per channel \(dims)", rng: &rng)
            GradientCheck.check(RescalingLayer(scale: NDArray(shape: [], data: [1 / 127.5])), [x], "Rescaling scalar \(dims)", rng: &rng)
            for invert in [false, true] {
                let norm = NormalizationLayer(mean: rng.floats(c), variance: variance, invert: invert)
                GradientCheck.check(norm, [x], "Normalization invert \(invert) \(dims)", rng: &rng)
            }
        }
        let onAxis = BatchNormalizationLayer(axis: 1, gamma: [2, -1, 0.5], beta: nil, mean: [0, 1, 2], variance: [1, 2, 3])
        GradientCheck.check(onAxis, [rng.array(3, 2, 5)], "BatchNormalization axis 1", rng: &rng)
        let kept = NormalizationLayer(axes: [1], mean: [0, 1, 2], variance: [1, 4, 9])
        GradientCheck.check(kept, [rng.array(3, 2, 5)], "Normalization axis 1", rng: &rng)
    }
}
