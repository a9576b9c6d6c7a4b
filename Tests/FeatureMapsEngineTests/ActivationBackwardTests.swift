import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Backward rows of every activation (Activation layer, ReLU, LeakyReLU, ELU, Softmax and the
/// keras.ops unary operations) against finite differences (GradientCheck). Inputs span [-4, 4)
/// on odd shapes with 1, 3 and 17 channels, kept 0.05 away from each function's kinks; the
/// conventions AT the kinks (TensorFlow's) are pinned separately.
final class ActivationBackwardTests: XCTestCase {
    static let all: [Activation] = [
        .linear, .relu, .relu6, .sigmoid, .tanh, .silu, .hardSilu, .selu, .softplus, .softsign, .exponential,
        .hardSigmoid(keras2: false), .hardSigmoid(keras2: true), .gelu(approximate: false), .gelu(approximate: true),
        .elu(alpha: 1), .elu(alpha: 0.5), .leakyReLU(slope: 0.2), .softmax,
    ]
    /// Where each function's derivative jumps.
    static let kinks: [Float] = [0, 6, -3, 3, -2.5, 2.5]

    func testEveryActivationAgainstFiniteDifferences() {
        var rng = SplitMix64(seed: 201)
        for a in Self.all {
            for dims in [[3, 5, 1], [2, 3, 17], [7, 3]] {
                let x = rng.array(dims, scale: a == .relu6 ? 7 : 4, avoiding: Self.kinks)
                GradientCheck.check(ActivationLayer(a), [x], "Activation(\(a.kerasName)) \(dims)", rng: &rng)
            }
        }
    }

    func testReLULayerVariants() {
        var rng = SplitMix64(seed: 202)
        let variants: [ReLULayer] = [
            ReLULayer(), ReLULayer(maxValue: 6), ReLULayer(maxValue: 2.5), ReLULayer(negativeSlope: 0.1),
            ReLULayer(threshold: 0.5), ReLULayer(maxValue: 6, negativeSlope: 0.2), ReLULayer(maxValue: 3, negativeSlope: 0.3, threshold: 1),
        ]
        for layer in variants {
            let x = rng.array([5, 3, 3], scale: 8, avoiding: [0, 0.5, 1, 2.5, 3, 6])
            GradientCheck.check(
                layer, [x], "ReLU(max \(layer.maxValue.map { "\($0)" } ?? "-"), slope \(layer.negativeSlope), threshold \(layer.threshold))",
                rng: &rng)
        }
    }

    func testLeakyReLUELUAndSoftmaxLayers() {
        var rng = SplitMix64(seed: 203)
        for dims in [[3, 5, 1], [2, 3, 17]] {
            let x = rng.array(dims, scale: 3, avoiding: [0])
            GradientCheck.check(LeakyReLULayer(negativeSlope: 0.3), [x], "LeakyReLU \(dims)", rng: &rng)
            GradientCheck.check(ELULayer(alpha: 0.7), [x], "ELU \(dims)", rng: &rng)
            for axis in [-1, 1, 2] { GradientCheck.check(SoftmaxLayer(axis: axis), [x], "Softmax axis \(axis) \(dims)", rng: &rng) }
        }
    }

    func testUnaryOperations() {
        var rng = SplitMix64(seed: 204)
        let positive = NDArray(shape: [3, 5, 3], data: rng.floats(45).map { abs($0) * 2 + 0.5 })
        let any = rng.array([3, 5, 3], scale: 2, avoiding: [0])
        for (name, f) in UnaryOperation.numpyFunctions.sorted(by: { $0.key < $1.key }) {
            let x = f == .sqrt || f == .reciprocal ? positive : any
            GradientCheck.check(UnaryOperation(kerasClassName: name, f), [x], "ops.\(name)", rng: &rng)
        }
        let parameterised: [String: Activation] = ["Gelu": .gelu(approximate: true), "Elu": .elu(alpha: 1), "LeakyRelu": .leakyReLU(slope: 0.2)]
        for (name, a) in UnaryOperation.nnActivations.merging(parameterised, uniquingKeysWith: { a, _ in a }).sorted(by: { $0.key < $1.key }) {
            let layer = UnaryOperation(kerasClassName: name, .activation(a))
            GradientCheck.check(layer, [rng.array([3, 5, 3], scale: 4, avoiding: Self.kinks)], "ops.nn.\(name)", rng: &rng)
        }
    }

    /// TensorFlow's choices where the derivative jumps: ReluGrad and Relu6Grad pass nothing at
    /// exactly 0 and 6; LeakyReluGrad gives the slope at 0; abs' gradient at 0 is 0.
    func testConventionsAtTheKinks() {
        let x = NDArray(shape: [4], data: [0, 6, -1, 3])
        let g = NDArray(shape: [4], repeating: 1)
        XCTAssertEqual(ActivationLayer(.relu).backward(inputs: [x], outputGradient: g)[0].data, [0, 1, 0, 1])
        XCTAssertEqual(ActivationLayer(.relu6).backward(inputs: [x], outputGradient: g)[0].data, [0, 0, 0, 1])
        XCTAssertEqual(ReLULayer(maxValue: 6).backward(inputs: [x], outputGradient: g)[0].data, [0, 0, 0, 1])
        XCTAssertEqual(LeakyReLULayer(negativeSlope: 0.25).backward(inputs: [x], outputGradient: g)[0].data, [0.25, 1, 0.25, 1])
        XCTAssertEqual(UnaryOperation(kerasClassName: "Abs", .abs).backward(inputs: [x], outputGradient: g)[0].data, [0, 1, -1, 1])
    }
}
