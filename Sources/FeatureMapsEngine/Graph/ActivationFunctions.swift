import Foundation

// Keras's activation functions (keras/src/activations/activations.py) as the TensorFlow backend
// computes them (keras/src/backend/tensorflow/nn.py), in float32, element by element. Softmax is
// the one that is not elementwise: over the last axis, max-subtracted (Softmax.swift).

/// An activation of a layer (`activation="relu"`) or of an `Activation` layer.
public enum Activation: Sendable, Equatable {
    case linear, relu, relu6, sigmoid, tanh, silu, hardSilu, selu, softplus, softsign, exponential
    /// Keras 3: relu6(x + 3) / 6. Keras 2: clip(0.2 x + 0.5, 0, 1).
    case hardSigmoid(keras2: Bool)
    /// Exact x * Phi(x) with erf, or the tanh approximation.
    case gelu(approximate: Bool)
    case elu(alpha: Float)
    case leakyReLU(slope: Float)
    /// Over the last axis.
    case softmax

    /// The function Keras's name selects (`activations.get`); `keras2` picks Keras 2's hard_sigmoid.
    /// Names featuremaps does not implement give nil.
    public init?(kerasName: String, keras2: Bool = false) {
        switch kerasName {
        case "linear": self = .linear
        case "relu": self = .relu
        case "relu6": self = .relu6
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "swish", "silu": self = .silu
        case "hard_swish", "hard_silu": self = .hardSilu
        case "hard_sigmoid": self = .hardSigmoid(keras2: keras2)
        case "gelu": self = .gelu(approximate: false)  // activations.gelu's default
        case "elu": self = .elu(alpha: 1)
        case "selu": self = .selu
        case "softplus": self = .softplus
        case "softsign": self = .softsign
        case "exponential": self = .exponential
        case "leaky_relu": self = .leakyReLU(slope: 0.2)  // activations.leaky_relu's default
        case "softmax": self = .softmax
        default: return nil
        }
    }

    /// Keras's function name, for summaries.
    public var kerasName: String {
        switch self {
        case .linear: "linear"
        case .relu: "relu"
        case .relu6: "relu6"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .silu: "silu"
        case .hardSilu: "hard_silu"
        case .hardSigmoid: "hard_sigmoid"
        case .gelu: "gelu"
        case .elu: "elu"
        case .selu: "selu"
        case .softplus: "softplus"
        case .softsign: "softsign"
        case .exponential: "exponential"
        case .leakyReLU: "leaky_relu"
        case .softmax: "softmax"
        }
    }

    /// f(x) for the elementwise functions (softmax: see `apply(to:)`).
    @inline(__always)
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .linear, .softmax: return x
        case .relu: return max(x, 0)
        case .relu6: return min(max(x, 0), 6)
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .tanh: return Foundation.tanh(x)
        case .silu: return x * (1 / (1 + Foundation.exp(-x)))
        case .hardSigmoid(let keras2): return Self.hardSigmoid(x, keras2: keras2)
        case .hardSilu: return x * Self.hardSigmoid(x, keras2: false)
        case .gelu(let approximate):
            if approximate {  // tf.nn.gelu(approximate=True)
                return 0.5 * x * (1 + Foundation.tanh(0.7978845608028654 * (x + 0.044715 * (x * x * x))))
            }
            return 0.5 * x * (1 + Foundation.erf(x / 1.4142135623730951))  // tf.nn.gelu(approximate=False)
        case .elu(let alpha): return x > 0 ? x : alpha * Foundation.expm1(x)
        case .selu:  // tf.nn.selu's constants
            let alpha: Float = 1.6732632423543772, scale: Float = 1.0507009873554805
            return x > 0 ? scale * x : scale * alpha * Foundation.expm1(x)
        case .softplus: return max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x)))  // log(1 + e^x), stable
        case .softsign: return x / (1 + abs(x))
        case .exponential: return Foundation.exp(x)
        case .leakyReLU(let slope): return x > 0 ? x : x * slope
        }
    }

    @inline(__always)
    static func hardSigmoid(_ x: Float, keras2: Bool) -> Float {
        keras2 ? min(max(x * 0.2 + 0.5, 0), 1) : min(max(x + 3, 0), 6) / 6
    }

    /// Applies the activation to every element (softmax: to each vector along the last axis).
    public func apply(to a: inout NDArray) {
        switch self {
        case .linear: return
        case .softmax: Softmax.apply(to: &a, axis: a.shape.rank - 1)
        default:
            a.data.withUnsafeMutableBufferPointer { p in
                for i in p.indices { p[i] = self(p[i]) }
            }
        }
    }
}
