// The arithmetic of a step, for benchmarks (GFLOP/s per layer kind): multiply-adds, as XNNPACK's
// and TFLite's benchmark tools count them (a multiply-add is 2 floating-point operations).
//   Conv2D           output pixels x kh x kw x (Cin / groups) x filters   (= pixels x kernel size)
//   DepthwiseConv2D  output pixels x kh x kw x C x multiplier
//   SeparableConv2D  the two above
//   Dense            rows x units x inputs (rows: the input's leading axes)
// Elementwise, pooling and reshaping layers count 0: they move memory more than they compute.
// A fused step counts the nodes it computes (GraphBenchmark sums them).

public enum Arithmetic {
    /// Multiply-adds of `layer` on inputs of `inputs` shapes giving `output`.
    public static func multiplyAdds(_ layer: any GraphLayer, inputs: [Shape], output: Shape) -> Int {
        func pixels(_ s: Shape) -> Int { s.rank == 3 ? s[0] * s[1] : 1 }
        switch layer {
        case let c as Conv2DLayer: return pixels(output) * c.kernel.values.count
        case let d as DepthwiseConv2DLayer: return pixels(output) * d.kernel.values.count
        case let s as SeparableConv2DLayer: return pixels(output) * (s.depthwise.kernel.values.count + s.pointwise.kernel.values.count)
        case let d as DenseLayer:
            guard let first = inputs.first, d.kernel.shape.first.map({ $0 > 0 }) == true else { return 0 }
            return first.count / d.kernel.shape[0] * d.kernel.values.count
        default: return 0
        }
    }
}
