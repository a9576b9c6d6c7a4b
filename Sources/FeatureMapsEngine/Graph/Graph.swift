// A model as nodes over values (XNNPACK's subgraph): each node is one call of a Keras layer, reading
// values and writing one value; constants (the 127.5 of `x / 127.5`) are values too. Nodes are kept
// in a topological order, the description's own (Keras's) wherever it is valid. Every value's
// shape is inferred when the graph is built, so a graph that exists can run.

/// A value of a graph: a node's output or a constant.
public struct ValueID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let index: Int
    public init(_ index: Int) { self.index = index }
    public static func < (a: ValueID, b: ValueID) -> Bool { a.index < b.index }
    public var description: String { "v\(index)" }
}

public struct GraphValue: Sendable {
    public let shape: Shape
    /// Index in `Graph.nodes` of the node writing it; nil for a constant.
    public let producer: Int?
    /// The value itself when it is a constant.
    public let constant: NDArray?
}

public struct GraphNode: Sendable {
    /// The Keras layer's name; a layer of a nested model also has `path`, the enclosing models
    /// outermost first, e.g. ["transfer_model", "mobilenetv2_0.35_160"].
    public let name: String
    public let path: [String]
    public let layer: any GraphLayer
    public let inputs: [ValueID]
    public let output: ValueID
    /// "outer/inner/name".
    public var qualifiedName: String { (path + [name]).joined(separator: "/") }
}

/// What a graph is built from: one entry per layer call, in any order.
public struct NodeDescription: Sendable {
    public var name: String
    public var path: [String]
    public var layer: any GraphLayer
    public var inputs: [NodeInput]

    public init(name: String, path: [String] = [], layer: any GraphLayer, inputs: [NodeInput] = []) {
        self.name = name
        self.path = path
        self.layer = layer
        self.inputs = inputs
    }
}

/// An input of a node: the output of another entry of the description (by index), or a constant.
/// A constant of rank `n + 1` next to tensors of rank `n` carries Keras's batch axis first (size 1).
public enum NodeInput: Sendable {
    case node(Int)
    case constant(NDArray)
}

/// Largest number of elements of one value: 2^28 (1 GiB of float32).
public let graphValueLimit = 1 << 28

public struct Graph: Sendable {
    public let nodes: [GraphNode]
    public let values: [GraphValue]
    /// The model's inputs (outputs of its InputLayer nodes), in the model's order.
    public let inputs: [ValueID]
    /// The model's outputs.
    public let outputs: [ValueID]
    /// Extra names for values, e.g. a nested model's name for its output.
    public let aliases: [String: ValueID]
    /// What this graph was built from, to build it again for other input shapes.
    public let source: GraphSource

    /// Orders the nodes, checks every edge, refuses cycles and infers every shape. `inputs` and
    /// `outputs` are indexes into `nodes`; `inputs` must be the InputLayer entries, in the model's
    /// order. `inputShapes` gives each input's shape (needed when the model leaves sizes open).
    public init(
        nodes: [NodeDescription], inputs: [Int], outputs: [Int], aliases: [String: Int] = [:], inputShapes: [Shape]? = nil
    ) throws {
        try self.init(GraphSource(nodes: nodes, inputs: inputs, outputs: outputs, aliases: aliases), inputShapes: inputShapes)
    }

    public init(_ source: GraphSource, inputShapes: [Shape]? = nil) throws {
        self.source = source
        let order = try source.topologicalOrder()
        let shapes = try source.inputShapes(inputShapes)
        var nodes: [GraphNode] = [], values: [GraphValue] = []
        var valueOf = [Int: ValueID]()  // description index -> its output value
        for d in order {
            let desc = source.nodes[d]
            let qualified = (desc.path + [desc.name]).joined(separator: "/")
            let tensorRank =
                desc.inputs.compactMap { i -> Int? in
                    if case .node(let n) = i { return values[valueOf[n]!.index].shape.rank } else { return nil }
                }.max() ?? 0
            var inputIDs: [ValueID] = []
            for input in desc.inputs {
                switch input {
                case .node(let n): inputIDs.append(valueOf[n]!)
                case .constant(let c):
                    let c = try Self.dropBatchAxis(c, tensorRank: tensorRank, node: qualified, layer: desc.layer)
                    values.append(GraphValue(shape: c.shape, producer: nil, constant: c))
                    inputIDs.append(ValueID(values.count - 1))
                }
            }
            let inShapes = inputIDs.map { values[$0.index].shape }
            let shape: Shape
            if let k = source.inputs.firstIndex(of: d) {
                shape = shapes[k]
            } else {
                guard desc.layer.inputCount.contains(inShapes.count) else {
                    throw GraphError.inputCount(
                        node: qualified, className: desc.layer.kerasClassName,
                        expected: desc.layer.inputCount, found: inShapes.count)
                }
                do { shape = try desc.layer.outputShape(inputs: inShapes) } catch let e as LayerShapeError {
                    throw GraphError.shapeMismatch(node: qualified, className: desc.layer.kerasClassName, inputs: inShapes, reason: e.reason)
                }
            }
            guard shape.count <= graphValueLimit else {
                throw GraphError.valueTooLarge(node: qualified, shape: shape, limit: graphValueLimit)
            }
            values.append(GraphValue(shape: shape, producer: nodes.count, constant: nil))
            valueOf[d] = ValueID(values.count - 1)
            nodes.append(GraphNode(name: desc.name, path: desc.path, layer: desc.layer, inputs: inputIDs, output: valueOf[d]!))
        }
        self.nodes = nodes
        self.values = values
        self.inputs = source.inputs.map { valueOf[$0]! }
        self.outputs = source.outputs.map { valueOf[$0]! }
        self.aliases = source.aliases.mapValues { valueOf[$0]! }
    }

    /// The same model for other input shapes (e.g. another image size).
    public func withInputShapes(_ shapes: [Shape]) throws -> Graph { try Graph(source, inputShapes: shapes) }

    public func shape(of v: ValueID) -> Shape { values[v.index].shape }

    /// Keras's `model.count_params()`: each layer once, however often it is called.
    public var parameterCount: Int {
        var seen = Set<String>(), total = 0
        for n in nodes where seen.insert(n.qualifiedName).inserted { total += n.layer.parameterCount }
        return total
    }

    /// A constant of Keras rank n + 1 beside tensors of rank n (batch-less): its first axis is the
    /// batch axis and must be 1; it is dropped. Lower ranks broadcast as they are.
    static func dropBatchAxis(_ c: NDArray, tensorRank: Int, node: String, layer: any GraphLayer) throws -> NDArray {
        guard c.shape.rank > tensorRank else { return c }
        guard c.shape.rank == tensorRank + 1, c.shape[0] == 1 else {
            throw GraphError.shapeMismatch(
                node: node, className: layer.kerasClassName, inputs: [c.shape],
                reason: "a constant of this shape would change the batch axis")
        }
        return c.reshaped(Shape(Array(c.shape.dims.dropFirst())))
    }
}
