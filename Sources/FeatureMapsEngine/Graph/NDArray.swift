// The values the graph computes: float32 arrays of any rank, row-major (see Shape's legend).
// The existing `Tensor` (HxWxC, used by the MobileNetV2 path, rendering and the CLI) converts both
// ways without copying: both hold the same [Float] in the same NHWC order.

/// One value of a graph: its shape without the batch axis and its elements, row-major.
public struct NDArray: Equatable, Sendable {
    public let shape: Shape
    public var data: [Float]

    /// Wraps `data`, which must hold exactly `shape.count` values in row-major order.
    public init(shape: Shape, data: [Float]) {
        require(data.count == shape.count, "array data count \(data.count) does not match shape \(shape)")
        self.shape = shape
        self.data = data
    }

    /// `shape` filled with `value`.
    public init(shape: Shape, repeating value: Float = 0) {
        self.shape = shape
        self.data = [Float](repeating: value, count: shape.count)
    }

    /// The map as an (H, W, C) array sharing its storage.
    public init(_ tensor: Tensor) {
        self.init(shape: tensor.shape.graphShape, data: tensor.data)
    }

    /// The same elements under another shape of equal count (Keras `Reshape`; no copy).
    public func reshaped(_ newShape: Shape) -> NDArray {
        NDArray(shape: newShape, data: data)
    }

    /// This value as the engine's HxWxC `Tensor` (rank 3, or rank 1 as 1x1xC), sharing its storage;
    /// nil for other ranks or an empty shape.
    public var tensor: Tensor? {
        guard let s = shape.tensorShape, s.count > 0 else { return nil }
        return Tensor(height: s.height, width: s.width, channels: s.channels, data: data)
    }

    /// Element (y, x, c) of a rank-3 array.
    public subscript(y: Int, x: Int, c: Int) -> Float {
        get { data[(y * shape[1] + x) * shape[2] + c] }
        set { data[(y * shape[1] + x) * shape[2] + c] = newValue }
    }
}
