import Foundation

/// Adam (Kingma and Ba 2015; TensorFlow's `tf.train.AdamOptimizer`, which Lucid's `render_vis`
/// uses with learning rate 0.05), as gradient ASCENT: each step moves the parameters by
/// lr * m_hat / (sqrt(v_hat) + epsilon) along the gradient.
public struct Adam: Sendable {
    public let learningRate: Float
    public let beta1: Float = 0.9
    public let beta2: Float = 0.999
    public let epsilon: Float = 1e-8
    private var m: [Float]
    private var v: [Float]
    private var t = 0

    public init(count: Int, learningRate: Float) {
        self.learningRate = learningRate
        m = [Float](repeating: 0, count: count)
        v = m
    }

    public mutating func ascend(_ p: inout [Float], gradient g: [Float]) {
        require(p.count == m.count && g.count == m.count, "Adam holds \(m.count) parameters")
        t += 1
        let c1 = 1 - pow(beta1, Float(t)), c2 = 1 - pow(beta2, Float(t))
        for i in p.indices {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            p[i] += learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
        }
    }
}
