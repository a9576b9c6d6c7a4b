// Keras `ReLU` layer (keras/src/layers/activations/relu.py, which calls activations.relu; its
// ReLU.static_call), in float32:
//   x' = threshold != 0 ? (x > threshold ? x : 0) : max(x, 0)       (relu6 when max_value == 6)
//   x' = min(x', max_value) when max_value is set
//   y  = x' - negative_slope * max(threshold - x, 0)                 when negative_slope != 0
// With negative_slope != 0, no max_value and threshold 0, Keras calls leaky_relu instead, which
// gives the same values.

public struct ReLULayer: GraphLayer {
    public let maxValue: Float?
    public let negativeSlope: Float
    public let threshold: Float

    public init(maxValue: Float? = nil, negativeSlope: Float = 0, threshold: Float = 0) {
        self.maxValue = maxValue
        self.negativeSlope = negativeSlope
        self.threshold = threshold
    }

    public var kerasClassName: String { "ReLU" }
    public func outputShape(inputs: [Shape]) throws -> Shape { inputs[0] }

    @inline(__always)
    func callAsFunction(_ x: Float) -> Float {
        if negativeSlope != 0 && maxValue == nil && threshold == 0 { return x > 0 ? x : x * negativeSlope }  // leaky_relu
        var y = threshold != 0 ? (x > threshold ? x : 0) : max(x, 0)
        if let maxValue { y = min(max(y, 0), maxValue) }
        if negativeSlope != 0 { y -= negativeSlope * max(threshold - x, 0) }
        return y
    }

    /// In place.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        var x = inputs.removeFirst()
        x.data.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = self(p[i]) }
        }
        return x
    }
}

extension ReLULayer {
    /// Config: max_value (null), negative_slope (0), threshold (0); Keras refuses negative values.
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireFloat32()
        let maxValue = try c.optionalDouble("max_value")
        let slope = try c.double("negative_slope", default: 0), threshold = try c.double("threshold", default: 0)
        for (key, v) in [("max_value", maxValue ?? 0), ("negative_slope", slope), ("threshold", threshold)] where v < 0 {
            throw c.invalid(key, "is \(v), Keras requires it to be at least 0")
        }
        return ReLULayer(maxValue: maxValue.map { Float($0) }, negativeSlope: Float(slope), threshold: Float(threshold))
    }
}

extension ReLULayer: DifferentiableLayer {
    /// ReLU and ReLU6 (no slope, no threshold): the mask follows from the output exactly (relu:
    /// y > 0 iff x > 0; relu6: 0 < y < 6 iff 0 < x < 6), so the backward pass reads the output,
    /// which the fused forward kernels compute anyway (their chains then end at this layer, not
    /// before it). Other configurations need the input (clip_by_value's x = max_value vs x > max_value).
    var maskFromOutput: Bool { negativeSlope == 0 && threshold == 0 && (maxValue == nil || maxValue == 6) }

    public var backwardNeeds: BackwardNeeds { maskFromOutput ? .output : .inputs }

    /// dy/dx of `callAsFunction`, as TensorFlow differentiates Keras's ReLU.static_call:
    /// leaky_relu: x > 0 ? 1 : slope. Otherwise the mask (x > threshold, or x > 0), times, with
    /// max_value, relu6's 0 < x < 6 (max_value 6, threshold 0) or clip_by_value's 0 <= x' <= max_value,
    /// plus negative_slope where x < threshold.
    func derivative(_ x: Float) -> Float {
        if negativeSlope != 0 && maxValue == nil && threshold == 0 { return x > 0 ? 1 : negativeSlope }
        var d: Float = threshold != 0 ? (x > threshold ? 1 : 0) : (x > 0 ? 1 : 0)
        if let maxValue {
            let clipped = threshold != 0 ? (x > threshold ? x : 0) : max(x, 0)
            if maxValue == 6 && threshold == 0 {
                d = x > 0 && x < 6 ? 1 : 0
            } else if clipped > maxValue {
                d = 0
            }
        }
        if negativeSlope != 0 && x < threshold { d += negativeSlope }
        return d
    }

    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        var g = a.outputGradient
        if maskFromOutput {
            let y = a.y, top = maxValue ?? .infinity
            y.data.withUnsafeBufferPointer { ys in
                g.data.withUnsafeMutableBufferPointer { p in for i in p.indices where !(ys[i] > 0 && ys[i] < top) { p[i] = 0 } }
            }
            return [g]
        }
        let x = a.input(0)
        x.data.withUnsafeBufferPointer { xs in
            g.data.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= derivative(xs[i]) } }
        }
        return [g]
    }
}
