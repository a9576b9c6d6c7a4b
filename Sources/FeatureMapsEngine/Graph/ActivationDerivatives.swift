import Foundation

// The derivatives of Keras's activations (ActivationFunctions.swift), as TensorFlow's registered
// gradients compute them: dL/dx = dL/dy * f'(x), elementwise, in float32 (softmax: along the last
// axis). At kinks (never hit by the tests' inputs) TensorFlow's conventions:
//   relu       ReluGrad on y:        y > 0
//   relu6      Relu6Grad on y:       0 < y < 6
//   leaky_relu LeakyReluGrad on x:   x > 0 ? 1 : slope
//   elu, selu  EluGrad / SeluGrad:   x > 0 ? 1 : alpha * exp(x) (selu times scale)
//   hard_sigmoid  clip / relu6 of a line: the line's slope strictly inside, 0 outside
// sigmoid, tanh and exponential use y (SigmoidGrad y(1 - y), TanhGrad 1 - y^2, exp y); the others
// need x: a layer with a fused activation then recomputes its pre-activation.

extension Activation {
    /// True when f'(x) can be computed from y = f(x) alone.
    var derivativeFromOutput: Bool {
        switch self {
        case .linear, .relu, .relu6, .sigmoid, .tanh, .exponential, .softmax: true
        default: false
        }
    }

    /// f'(x) given x and y = f(x) (callers pass whichever `derivativeFromOutput` says they have;
    /// the other is ignored). Not for softmax.
    @inline(__always)
    func derivative(x: Float, y: Float) -> Float {
        switch self {
        case .linear, .softmax: return 1
        case .relu: return y > 0 ? 1 : 0
        case .relu6: return y > 0 && y < 6 ? 1 : 0
        case .sigmoid: return y * (1 - y)
        case .tanh: return 1 - y * y
        case .exponential: return y
        case .silu:
            let s = 1 / (1 + Foundation.exp(-x))
            return s * (1 + x * (1 - s))
        case .hardSigmoid(let keras2): return Self.hardSigmoidSlope(x, keras2: keras2)
        case .hardSilu: return Self.hardSigmoid(x, keras2: false) + x * Self.hardSigmoidSlope(x, keras2: false)
        case .gelu(let approximate):
            if approximate {
                let c: Float = 0.7978845608028654, a: Float = 0.044715
                let t = Foundation.tanh(c * (x + a * x * x * x))
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * a * x * x)
            }
            let phi = Foundation.exp(-0.5 * x * x) * 0.3989422804014327  // the normal density
            return 0.5 * (1 + Foundation.erf(x / 1.4142135623730951)) + x * phi
        case .elu(let alpha): return x > 0 ? 1 : alpha * Foundation.exp(x)
        case .selu:
            let alpha: Float = 1.6732632423543772, scale: Float = 1.0507009873554805
            return x > 0 ? scale : scale * alpha * Foundation.exp(x)
        case .softplus: return 1 / (1 + Foundation.exp(-x))
        case .softsign:
            let d = 1 + abs(x)
            return 1 / (d * d)
        case .leakyReLU(let slope): return x > 0 ? 1 : slope
        }
    }

    /// Keras 3: relu6(x + 3) / 6 -> 1/6 on -3 < x < 3. Keras 2: clip(0.2 x + 0.5, 0, 1) -> 0.2 on
    /// -2.5 < x < 2.5.
    @inline(__always)
    static func hardSigmoidSlope(_ x: Float, keras2: Bool) -> Float {
        keras2 ? (x > -2.5 && x < 2.5 ? 0.2 : 0) : (x > -3 && x < 3 ? 1 / 6 : 0)
    }

    /// dL/dy -> dL/dx in place. `x` is the activation's input (required unless
    /// `derivativeFromOutput`), `y` its output (required when `derivativeFromOutput`).
    func backward(_ g: inout NDArray, input x: NDArray?, output y: NDArray?) {
        switch self {
        case .linear: return
        case .softmax: Softmax.backward(&g, output: y!, axis: g.shape.rank - 1)
        default:
            let fromOutput = derivativeFromOutput
            let source = fromOutput ? y! : x!
            require(source.shape == g.shape, "activation gradient \(g.shape) vs value \(source.shape)")
            source.data.withUnsafeBufferPointer { v in
                g.data.withUnsafeMutableBufferPointer { p in
                    for i in p.indices { p[i] *= fromOutput ? derivative(x: 0, y: v[i]) : derivative(x: v[i], y: 0) }
                }
            }
        }
    }
}

extension Activation {
    /// The fused activation of a Conv2D / Dense / DepthwiseConv2D / SeparableConv2D: g := g * f'(z)
    /// in place, with y the layer's output and z its pre-activation, which `preActivation`
    /// recomputes (the linear part of the layer) only when f' needs it.
    func backward(_ g: inout NDArray, output y: NDArray?, preActivation: () -> NDArray) {
        if self == .linear { return }
        if derivativeFromOutput {
            backward(&g, input: nil, output: y)
        } else {
            backward(&g, input: preActivation(), output: nil)
        }
    }

    /// What a layer with this fused activation keeps for its backward.
    var fusedBackwardNeeds: BackwardNeeds {
        self == .linear ? [] : derivativeFromOutput ? .output : .inputs
    }
}

extension Softmax {
    /// TensorFlow's SoftmaxGrad along batch-less axis `axis`: dx = y * (g - sum_j g_j y_j), in place
    /// (the sum in Double).
    static func backward(_ g: inout NDArray, output y: NDArray, axis: Int) {
        require(g.shape == y.shape, "softmax gradient \(g.shape) vs output \(y.shape)")
        let n = g.shape[axis], inner = g.shape.strides[axis], outer = g.shape.count / max(1, n * inner)
        y.data.withUnsafeBufferPointer { ys in
            g.data.withUnsafeMutableBufferPointer { p in
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * n * inner + i
                        var dot: Double = 0
                        for j in 0..<n { dot += Double(p[base + j * inner]) * Double(ys[base + j * inner]) }
                        for j in 0..<n { p[base + j * inner] = ys[base + j * inner] * (p[base + j * inner] - Float(dot)) }
                    }
                }
            }
        }
    }
}
