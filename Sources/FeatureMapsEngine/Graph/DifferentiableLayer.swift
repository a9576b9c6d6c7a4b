// The backward contract of a layer class: given the upstream gradient dL/dy of its output y, the
// gradient dL/dx_k of each input, for a scalar L (a class logit). No weight gradients: the graph
// explains a model, it does not train it. Each layer file implements it in an extension at its end,
// matching TensorFlow's registered gradient of the ops Keras's TensorFlow backend calls (the kink
// conventions are stated there: ReLU's mask is y > 0, MaxPooling's first max gets the gradient, ...).
// The driver is GraphGradient.swift.

/// Which forward values a layer's backward reads. What it does not need the driver frees early
/// (a linear Conv2D needs neither: only the kernel and the input's shape).
public struct BackwardNeeds: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// The forward inputs (all of them, constants included).
    public static let inputs = BackwardNeeds(rawValue: 1)
    /// The forward output.
    public static let output = BackwardNeeds(rawValue: 2)
    public static let all: BackwardNeeds = [.inputs, .output]
}

/// What one backward call gets. `inputs` is empty and `output` nil unless `backwardNeeds` asks for
/// them; `inputShapes` and `outputGradient` (of the output's shape) are always there.
public struct BackwardArguments {
    public let inputShapes: [Shape]
    public let inputs: [NDArray]
    public let output: NDArray?
    public var outputGradient: NDArray
    /// Which inputs need a gradient (false for constants and for inputs nothing asks about); a
    /// layer may return nil for the others.
    public let wanted: [Bool]

    public init(inputShapes: [Shape], inputs: [NDArray], output: NDArray?, outputGradient: NDArray, wanted: [Bool]? = nil) {
        self.inputShapes = inputShapes
        self.inputs = inputs
        self.output = output
        self.outputGradient = outputGradient
        self.wanted = wanted ?? inputShapes.map { _ in true }
    }

    /// Input k (the layer asked for `.inputs`).
    public func input(_ k: Int) -> NDArray {
        require(k < inputs.count, "backward read input \(k) it did not ask for (backwardNeeds)")
        return inputs[k]
    }

    /// The forward output (the layer asked for `.output`).
    public var y: NDArray {
        require(output != nil, "backward read the output it did not ask for (backwardNeeds)")
        return output!
    }
}

/// A layer class whose input gradients the graph can compute.
public protocol DifferentiableLayer: GraphLayer {
    /// The forward values `backward` reads. Default: inputs and output.
    var backwardNeeds: BackwardNeeds { get }
    /// dL/dx_k for every input k (shape `inputShapes[k]`), or nil where `wanted[k]` is false, from
    /// dL/dy = `outputGradient` (which the layer may reuse in place). Deterministic; `.fast`
    /// kernels may use OpenBLAS, `.reference` are plain loops.
    func backward(_ arguments: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?]
}

extension DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { .all }

    /// The input gradients for these forward inputs (the output is recomputed when not given):
    /// what the layer tests call.
    public func backward(
        inputs: [NDArray], output: NDArray? = nil, outputGradient: NDArray, context: ExecutionContext = .reference
    ) -> [NDArray] {
        let y = output ?? forward(inputs, context)
        let arguments = BackwardArguments(
            inputShapes: inputs.map(\.shape), inputs: inputs, output: y, outputGradient: outputGradient)
        return backward(arguments, context).enumerated().map { k, g in g ?? NDArray(shape: inputs[k].shape) }
    }
}

/// Layers whose input gradient is the output gradient under the input's shape (Flatten, Reshape,
/// identities).
protocol ReshapingGradient: DifferentiableLayer {}

extension ReshapingGradient {
    public var backwardNeeds: BackwardNeeds { [] }

    public func backward(_ arguments: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        [arguments.outputGradient.reshaped(arguments.inputShapes[0])]
    }
}
