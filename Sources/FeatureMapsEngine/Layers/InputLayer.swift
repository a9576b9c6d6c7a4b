// Keras `InputLayer` (keras/src/layers/core/input_layer.py): where a model input enters. The graph
// binds the caller's array to its output; it computes nothing.

public struct InputLayer: GraphLayer {
    /// Keras's batch_shape without the batch axis; nil where the model leaves the size open (None).
    public let declaredShape: [Int?]

    public init(declaredShape: [Int?]) { self.declaredShape = declaredShape }

    public var kerasClassName: String { "InputLayer" }
    public var inputCount: ClosedRange<Int> { 0...0 }

    /// The declared shape when every size is known.
    public var completeShape: Shape? {
        declaredShape.allSatisfy { $0 != nil } ? Shape(declaredShape.map { $0! }) : nil
    }

    /// "(None, None, 3)": the declared shape as Keras prints it, without the batch axis.
    public var declaredDescription: String {
        let parts = declaredShape.map { $0.map(String.init) ?? "None" }
        return parts.count == 1 ? "(\(parts[0]),)" : "(" + parts.joined(separator: ", ") + ")"
    }

    /// True when `shape` has the declared rank and every declared size.
    public func accepts(_ shape: Shape) -> Bool {
        shape.rank == declaredShape.count && zip(shape.dims, declaredShape).allSatisfy { $1 == nil || $0 == $1 }
            && shape.dims.allSatisfy { $0 >= 1 }
    }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        guard let s = completeShape else { throw LayerShapeError("the input size is left open") }
        return s
    }

    /// Never called: the executor binds the model input to this node's value.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        fatalError("InputLayer has no forward pass; the executor binds the model input")
    }
}

extension InputLayer {
    /// Keras 3 `batch_shape` (Keras 2 `batch_input_shape`; `shape` without the batch) such as
    /// [null, 224, 224, 3]; float32 only, not sparse or ragged.
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.refuse("sparse", unless: [.bool(false)])
        try c.refuse("ragged", unless: [.bool(false)])
        if let d = c["dtype"], !d.isNull, d != .string("float32") { try c.requireFloat32() }
        let key = c["batch_shape"] != nil ? "batch_shape" : c["batch_input_shape"] != nil ? "batch_input_shape" : "shape"
        guard case .array(let items)? = c[key] else { throw c.invalid(key, "is missing or not a list") }
        let dims = try items.map { v -> Int? in
            if v.isNull { return nil }
            guard let d = v.number, d == d.rounded() else { throw c.invalid(key, "holds \(v), not a size") }
            try c.checkSize(key, Int(d))
            return Int(d)
        }
        if key == "shape" { return InputLayer(declaredShape: dims) }
        guard !dims.isEmpty else { throw c.invalid(key, "has no batch axis") }
        return InputLayer(declaredShape: Array(dims.dropFirst()))
    }
}
