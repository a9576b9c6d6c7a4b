// The receptive field of one position of a layer's map: the box of the model input that position
// (y, x) of an (H, W, C) value can depend on, from the graph's kernel sizes, strides, dilations
// and paddings, clipped to the input (padding cells are not pixels).
//
// Walk: the position starts as the box [y, y] x [x, x] of its value; the nodes are visited in
// reverse topological order, and each node whose output has a box gives each of its inputs the
// rows and columns it reads for that box, united (bounding box) with what other readers of that
// input asked. Per axis, for an output range [a, b]:
//   Conv2D, DepthwiseConv2D, SeparableConv2D (its depthwise window), Max/AveragePooling2D:
//                           [a*s - before, b*s + (k-1)*d - before]          (WindowGeometry)
//   ZeroPadding2D           [a - top, b - top]
//   Cropping2D              [a + top, b + top]
//   UpSampling2D nearest    [a / s, b / s]; bilinear: the two taps of (o + 0.5) / s - 0.5 at each end
//   same-size (H, W) inputs (activations, BatchNorm, merges, channel concatenation, operations):
//                           [a, b]; an input of size 1 on an axis (broadcast): [0, 0]
//   anything else (global pooling, Dense, Flatten, a spatial concatenation, a fused layer):
//                           the whole input (never too small, maybe too large)
// then clipped to 0..<n. A position that reads only padding has no box (nil).
// The box is tight for a chain of convolutions without dilation (every tap reads its extremes);
// with max pooling or ReLU the gradient reaches only part of it, never outside it.

/// A box of the model input: rows `rows`, columns `cols`, in input pixels (H, W of the input value).
public struct InputBox: Sendable, Equatable, CustomStringConvertible {
    public let rows: Range<Int>
    public let cols: Range<Int>
    public init(rows: Range<Int>, cols: Range<Int>) {
        self.rows = rows
        self.cols = cols
    }
    public var description: String { "rows \(rows.lowerBound)..<\(rows.upperBound), columns \(cols.lowerBound)..<\(cols.upperBound)" }
}

public struct ReceptiveField: Sendable {
    public let graph: Graph
    /// The model input whose box is computed (default the first).
    public let input: ValueID

    public init(graph: Graph, input: Int = 0) {
        self.graph = graph
        self.input = graph.inputs[input]
    }

    /// The input box position (y, x) of `value` (rank 3, (H, W, C)) sees; nil when it sees only
    /// padding. A value of another rank sees the whole input.
    public func box(of value: ValueID, y: Int, x: Int) -> InputBox? {
        let inputShape = graph.shape(of: input)
        let whole = InputBox(rows: 0..<inputShape[0], cols: 0..<inputShape[1])
        guard graph.shape(of: value).rank == 3 else { return whole }
        var boxes = [Int: Span2D]()
        boxes[value.index] = Span2D(rows: Span(y, y), cols: Span(x, x))
        guard let last = graph.values[value.index].producer else { return Self.box(boxes[value.index]) }
        for n in stride(from: last, through: 0, by: -1) {
            let node = graph.nodes[n]
            guard let out = boxes[node.output.index] else { continue }
            let outShape = graph.shape(of: node.output)
            for v in node.inputs where graph.values[v.index].constant == nil {
                let s = graph.shape(of: v)
                let read: Span2D?
                if s.rank == 3 && outShape.rank == 3 {
                    read = Self.read(node.layer, out, input: s, output: outShape)
                } else {
                    read = s.rank == 3 ? Span2D(rows: Span(0, s[0] - 1), cols: Span(0, s[1] - 1)) : Span2D.everything
                }
                guard let read else { continue }
                boxes[v.index] = boxes[v.index].map { $0.union(read) } ?? read
            }
        }
        guard let b = boxes[input.index] else { return nil }
        if b.isEverything { return whole }
        return Self.box(b)
    }

    private static func box(_ s: Span2D?) -> InputBox? {
        guard let s else { return nil }
        return InputBox(rows: s.rows.lo..<(s.rows.hi + 1), cols: s.cols.lo..<(s.cols.hi + 1))
    }

    /// The rows and columns of an (H, W, C) input that `layer` reads for the output box `out`,
    /// clipped to the input; nil when it reads none (only padding).
    static func read(_ layer: any GraphLayer, _ out: Span2D, input s: Shape, output o: Shape) -> Span2D? {
        if out.isEverything { return Span2D(rows: Span(0, s[0] - 1), cols: Span(0, s[1] - 1)) }
        func window(_ w: Window2D?) -> Span2D? {
            guard let w else { return nil }
            return Span2D(rows: out.rows.window(w.rows), cols: out.cols.window(w.cols)).clipped(s)
        }
        switch layer {
        case let c as Conv2DLayer: return window(c.window(s))
        case let d as DepthwiseConv2DLayer: return window(d.window(s))
        case let p as SeparableConv2DLayer: return window(p.depthwise.window(s))
        case let p as Pooling2DLayer: return window(p.window(s))
        case let z as ZeroPadding2DLayer:
            return Span2D(rows: out.rows.shifted(-z.top), cols: out.cols.shifted(-z.left)).clipped(s)
        case let c as Cropping2DLayer:
            return Span2D(rows: out.rows.shifted(c.top), cols: out.cols.shifted(c.left)).clipped(s)
        case let u as UpSampling2DLayer:
            return Span2D(rows: out.rows.upsampled(u.size[0], u.interpolation), cols: out.cols.upsampled(u.size[1], u.interpolation))
                .clipped(s)
        default:
            if let c = layer as? ConcatenateLayer, let a = o.batchlessAxis(c.axis), a != 2 { break }
            if let m = layer as? SoftmaxLayer, o.batchlessAxis(m.axis) != 2 { break }
            if !Self.sizePreserving(layer) { break }
            let rows = s[0] == o[0] ? out.rows : s[0] == 1 ? Span(0, 0) : nil
            let cols = s[1] == o[1] ? out.cols : s[1] == 1 ? Span(0, 0) : nil
            if let rows, let cols { return Span2D(rows: rows, cols: cols) }
        }
        return Span2D(rows: Span(0, s[0] - 1), cols: Span(0, s[1] - 1))
    }

    /// Layers whose output position (y, x) reads only position (y, x) of same-size inputs (a
    /// Softmax or Concatenate along a spatial axis was ruled out before).
    static func sizePreserving(_ layer: any GraphLayer) -> Bool {
        switch layer {
        case is ActivationLayer, is BatchNormalizationLayer, is ReLULayer, is LeakyReLULayer, is ELULayer, is RescalingLayer,
            is NormalizationLayer, is InferenceIdentityLayer, is MergeLayer, is ConcatenateLayer, is BinaryOperation,
            is UnaryOperation, is SoftmaxLayer:
            return true
        default: return false
        }
    }
}

/// An inclusive range of indexes on one axis, [lo, hi] (may leave 0..<n before clipping).
struct Span: Sendable, Equatable {
    var lo: Int, hi: Int
    init(_ lo: Int, _ hi: Int) { (self.lo, self.hi) = (lo, hi) }

    func union(_ o: Span) -> Span { Span(Swift.min(lo, o.lo), Swift.max(hi, o.hi)) }
    func shifted(_ d: Int) -> Span { Span(lo + d, hi + d) }
    /// The inputs a sliding window's outputs lo...hi read (WindowGeometry: o*s + j*d - before).
    func window(_ w: AxisWindow) -> Span { Span(w.source(lo, 0), w.source(hi, w.kernel - 1)) }
    func upsampled(_ s: Int, _ mode: UpSampling2DLayer.Interpolation) -> Span {
        switch mode {
        case .nearest: return Span(lo / s, hi / s)
        case .bilinear:
            let first = (Double(lo) + 0.5) / Double(s) - 0.5, last = (Double(hi) + 0.5) / Double(s) - 0.5
            return Span(Int(first.rounded(.down)), Int(last.rounded(.up)))
        }
    }
    func clipped(_ n: Int) -> Span? {
        let c = Span(Swift.max(0, lo), Swift.min(n - 1, hi))
        return c.lo <= c.hi ? c : nil
    }
}

/// Rows and columns of an (H, W, C) value; `everything` for a value without a map (a vector).
struct Span2D: Sendable, Equatable {
    var rows: Span, cols: Span
    static let everything = Span2D(rows: Span(Int.min / 4, Int.max / 4), cols: Span(Int.min / 4, Int.max / 4))
    var isEverything: Bool { self == .everything }

    func union(_ o: Span2D) -> Span2D { Span2D(rows: rows.union(o.rows), cols: cols.union(o.cols)) }
    func clipped(_ s: Shape) -> Span2D? {
        guard let r = rows.clipped(s[0]), let c = cols.clipped(s[1]) else { return nil }
        return Span2D(rows: r, cols: c)
    }
}
