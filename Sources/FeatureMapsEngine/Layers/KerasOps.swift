import Foundation

// Keras 3's operation nodes: what a Functional model records when it calls keras.ops, or
// arithmetic, on symbolic tensors (keras/src/ops/numpy.py, keras/src/ops/nn.py). MobileNetV3's
// `x + 3.0` and `* (1 / 6)`, `preprocess_input`'s `x / 127.5 - 1` inside a model. Either operand of
// a binary operation may be a constant (`1 - x`); shapes broadcast as NumPy's. All in float32, as
// the TensorFlow backend computes them.

/// A binary keras.src.ops.numpy operation: Add, Subtract, Multiply, TrueDivide, Divide, Power,
/// Maximum, Minimum.
public struct BinaryOperation: GraphLayer {
    public enum Kind: String, Sendable, CaseIterable {
        case add = "Add", subtract = "Subtract", multiply = "Multiply", trueDivide = "TrueDivide", divide = "Divide"
        case power = "Power", maximum = "Maximum", minimum = "Minimum"

        @inline(__always)
        func callAsFunction(_ a: Float, _ b: Float) -> Float {
            switch self {
            case .add: a + b
            case .subtract: a - b
            case .multiply: a * b
            case .trueDivide, .divide: a / b
            case .power: Foundation.pow(a, b)
            case .maximum: Swift.max(a, b)
            case .minimum: Swift.min(a, b)
            }
        }
    }
    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }

    public var kerasClassName: String { kind.rawValue }
    public var inputCount: ClosedRange<Int> { 2...2 }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        guard let s = Shape.broadcast(inputs) else { throw LayerShapeError("the shapes do not broadcast") }
        return s
    }

    /// out = kind(x1, x2), broadcast; written into whichever operand already has the output's shape.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let b = inputs.removeLast(), a = inputs.removeLast()
        let shape = Shape.broadcast([a.shape, b.shape])!
        let kind = kind
        if a.shape != shape && b.shape == shape { return Broadcast.binary(b, a, shape: shape) { kind($1, $0) } }
        return Broadcast.binary(a, b, shape: shape) { kind($0, $1) }
    }
}

/// A unary operation: keras.src.ops.numpy Negative, Square, Sqrt, Abs/Absolute, Exp, Reciprocal,
/// Tanh; keras.src.ops.nn activations (Relu, Relu6, Sigmoid, Silu, HardSigmoid, HardSilu, Gelu,
/// Elu, Selu, LeakyRelu, Softplus, Softsign); elementwise, in place.
public struct UnaryOperation: GraphLayer {
    public enum Function: Sendable, Equatable {
        case negative, square, sqrt, abs, exp, reciprocal
        case activation(Activation)
    }
    public let kerasClassName: String
    public let function: Function
    public init(kerasClassName: String, _ function: Function) {
        self.kerasClassName = kerasClassName
        self.function = function
    }

    public func outputShape(inputs: [Shape]) throws -> Shape { inputs[0] }

    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        var x = inputs.removeFirst()
        if case .activation(let a) = function {
            a.apply(to: &x)
            return x
        }
        let f = function
        x.data.withUnsafeMutableBufferPointer { p in
            for i in p.indices {
                let v = p[i]
                switch f {
                case .negative: p[i] = -v
                case .square: p[i] = v * v
                case .sqrt: p[i] = v.squareRoot()
                case .abs: p[i] = Swift.abs(v)
                case .exp: p[i] = Foundation.exp(v)
                case .reciprocal: p[i] = 1 / v
                case .activation: break
                }
            }
        }
        return x
    }
}

extension UnaryOperation {
    static let numpyFunctions: [String: Function] = [
        "Negative": .negative, "Square": .square, "Sqrt": .sqrt, "Abs": .abs, "Absolute": .abs, "Exp": .exp,
        "Reciprocal": .reciprocal, "Tanh": .activation(.tanh),
    ]
    static let nnActivations: [String: Activation] = [
        "Relu": .relu, "Relu6": .relu6, "Sigmoid": .sigmoid, "Silu": .silu, "HardSigmoid": .hardSigmoid(keras2: false),
        "HardSilu": .hardSilu, "Selu": .selu, "Softplus": .softplus, "Softsign": .softsign,
    ]

    /// keras.src.ops.nn's parameterised activations: Gelu(approximate=True), Elu(alpha=1.0),
    /// LeakyRelu(negative_slope=0.2) (ops' own defaults, which differ from keras.activations').
    static func nnBuilder(_ name: String) -> @Sendable (KerasConfig) throws -> any GraphLayer {
        { c in
            switch name {
            case "Gelu": return UnaryOperation(kerasClassName: name, .activation(.gelu(approximate: try c.bool("approximate", default: true))))
            case "Elu": return UnaryOperation(kerasClassName: name, .activation(.elu(alpha: Float(try c.double("alpha", default: 1)))))
            case "LeakyRelu":
                return UnaryOperation(kerasClassName: name, .activation(.leakyReLU(slope: Float(try c.double("negative_slope", default: 0.2)))))
            default: return UnaryOperation(kerasClassName: name, .activation(nnActivations[name]!))
            }
        }
    }
}

extension BinaryOperation: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds {
        switch kind {
        case .add, .subtract: []
        case .power: .all
        default: .inputs
        }
    }

    /// TensorFlow's gradients of the binary ops, each operand's share summed over the axes it was
    /// broadcast along; a constant operand (wanted false) gets none. With a = x1, b = x2, z = out:
    ///   add dy, dy   subtract dy, -dy   multiply dy*b, dy*a   divide dy/b, -dy*a/b/b
    ///   power dy*b*a^(b-1), dy*z*log(a) (0 where a <= 0, as TensorFlow)
    ///   maximum (minimum): dy to a where a >= b (a <= b), else to b: a tie goes to the first.
    public func backward(_ args: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        let g = args.outputGradient, shape = g.shape, wanted = args.wanted, kind = kind
        if kind == .add || kind == .subtract {
            let second = kind == .add ? g : Broadcast.binary(g, NDArray(shape: [], data: [-1]), shape: shape, *)
            return [
                wanted[0] ? Broadcast.reduce(g, to: args.inputShapes[0]) : nil, wanted[1] ? Broadcast.reduce(second, to: args.inputShapes[1]) : nil,
            ]
        }
        let a = Broadcast.expand(args.input(0), to: shape), b = Broadcast.expand(args.input(1), to: shape)
        let z = kind == .power ? args.y : g
        func share(_ k: Int, _ d: (Float, Float, Float, Float) -> Float) -> NDArray? {
            guard wanted[k] else { return nil }
            let full = NDArray(shape: shape, data: g.data.indices.map { i in d(g.data[i], a.data[i], b.data[i], z.data[i]) })
            return Broadcast.reduce(full, to: args.inputShapes[k])
        }
        switch kind {
        case .add, .subtract: fatalError("handled above")
        case .multiply: return [share(0) { g, _, b, _ in g * b }, share(1) { g, a, _, _ in g * a }]
        case .trueDivide, .divide: return [share(0) { g, _, b, _ in g / b }, share(1) { g, a, b, _ in -g * a / b / b }]
        case .power:
            return [
                share(0) { g, a, b, _ in g * b * Foundation.pow(a, b - 1) },
                share(1) { g, a, _, z in a > 0 ? g * z * Foundation.log(a) : 0 },
            ]
        case .maximum: return [share(0) { g, a, b, _ in a >= b ? g : 0 }, share(1) { g, a, b, _ in a >= b ? 0 : g }]
        case .minimum: return [share(0) { g, a, b, _ in a <= b ? g : 0 }, share(1) { g, a, b, _ in a <= b ? 0 : g }]
        }
    }
}

extension UnaryOperation: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds {
        switch function {
        case .negative: []
        case .square, .abs: .inputs
        case .sqrt, .exp, .reciprocal: .output
        case .activation(let a): a.derivativeFromOutput ? .output : .inputs
        }
    }

    /// TensorFlow's gradients: negative -dy; square 2x dy; sqrt dy * 0.5 / y (SqrtGrad); abs
    /// dy * sign(x) (0 at 0); exp dy * y; reciprocal -dy * y^2 (ReciprocalGrad); activations as
    /// ActivationDerivatives.swift.
    public func backward(_ args: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        var g = args.outputGradient
        if case .activation(let a) = function {
            a.backward(&g, input: args.inputs.first, output: args.output)
            return [g]
        }
        let f = function
        let v = f == .negative ? g : (backwardNeeds.contains(.inputs) ? args.input(0) : args.y)
        v.data.withUnsafeBufferPointer { v in
            g.data.withUnsafeMutableBufferPointer { p in
                for i in p.indices {
                    switch f {
                    case .negative: p[i] = -p[i]
                    case .square: p[i] *= 2 * v[i]
                    case .sqrt: p[i] *= 0.5 / v[i]
                    case .abs: p[i] *= v[i] > 0 ? 1 : v[i] < 0 ? -1 : 0
                    case .exp: p[i] *= v[i]
                    case .reciprocal: p[i] *= -v[i] * v[i]
                    case .activation: break
                    }
                }
            }
        }
        return [g]
    }
}
