import Foundation

// Keras `Softmax` (keras/src/layers/activations/softmax.py; tf.nn.softmax) along one axis:
// y_i = exp(x_i - max_j x_j) / sum_j exp(x_j - max_j x_j), in float32.
// Legend: for an axis of size N, `outer` = product of the axes before it, `inner` = after it.

public struct SoftmaxLayer: GraphLayer {
    /// Keras's axis, counting the batch axis as 0 (-1: the last).
    public let axis: Int
    public init(axis: Int = -1) { self.axis = axis }

    public var kerasClassName: String { "Softmax" }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        guard inputs[0].batchlessAxis(axis) != nil else {
            throw LayerShapeError("axis \(axis) is not an axis of this input (the batch axis cannot be one)")
        }
        return inputs[0]
    }

    /// In place.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        var x = inputs.removeFirst()
        Softmax.apply(to: &x, axis: x.shape.batchlessAxis(axis)!)
        return x
    }
}

extension SoftmaxLayer {
    /// Config: axis (-1), an int or a list of one int (several axes are refused).
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireFloat32()
        let axes = try c.ints("axis", count: nil, default: [-1])
        guard axes.count == 1 else { throw c.unsupported("axis", c["axis"]!) }
        return SoftmaxLayer(axis: axes[0])
    }
}

/// The softmax kernel, shared with the `softmax` activation.
public enum Softmax {
    /// Softmax along batch-less axis `axis` of `a`, in place.
    public static func apply(to a: inout NDArray, axis: Int) {
        let n = a.shape[axis], inner = a.shape.strides[axis], outer = a.shape.count / max(1, n * inner)
        a.data.withUnsafeMutableBufferPointer { p in
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * n * inner + i
                    var m = -Float.infinity
                    for j in 0..<n { m = max(m, p[base + j * inner]) }
                    var sum: Float = 0
                    for j in 0..<n {
                        let e = Foundation.exp(p[base + j * inner] - m)
                        p[base + j * inner] = e
                        sum += e
                    }
                    for j in 0..<n { p[base + j * inner] /= sum }
                }
            }
        }
    }
}

extension SoftmaxLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { .output }

    /// TensorFlow's SoftmaxGrad along `axis`: dx = y * (dy - sum_j dy_j y_j).
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        var g = a.outputGradient
        Softmax.backward(&g, output: a.y, axis: g.shape.batchlessAxis(axis)!)
        return [g]
    }
}
