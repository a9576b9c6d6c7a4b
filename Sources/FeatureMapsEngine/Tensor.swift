// Legend: H = height (rows), W = width (columns), C = channels. Batch size is always 1.

/// A float32 activation map in NHWC layout with N = 1: element (y, x, c) lives at
/// `data[(y * width + x) * channels + c]`. Vectors (global pooling, dense outputs) are 1x1xC.
public struct Tensor: Equatable, Sendable {
    public let height: Int
    public let width: Int
    public let channels: Int
    public var data: [Float]

    /// A zero-filled tensor of shape HxWxC.
    public init(height: Int, width: Int, channels: Int) {
        require(height > 0 && width > 0 && channels > 0, "tensor dimensions must be positive")
        self.height = height
        self.width = width
        self.channels = channels
        self.data = [Float](repeating: 0, count: height * width * channels)
    }

    /// Wraps `data`, which must hold exactly H*W*C values in NHWC order.
    public init(height: Int, width: Int, channels: Int, data: [Float]) {
        require(height > 0 && width > 0 && channels > 0, "tensor dimensions must be positive")
        require(data.count == height * width * channels, "tensor data count does not match its shape")
        self.height = height
        self.width = width
        self.channels = channels
        self.data = data
    }

    public var shape: TensorShape { TensorShape(height: height, width: width, channels: channels) }

    public subscript(y: Int, x: Int, c: Int) -> Float {
        get { data[(y * width + x) * channels + c] }
        set { data[(y * width + x) * channels + c] = newValue }
    }

    /// Channel `c` as a row-major HxW plane.
    public func plane(_ c: Int) -> [Float] {
        require(c >= 0 && c < channels, "channel \(c) out of range 0..<\(channels)")
        var out = [Float](repeating: 0, count: height * width)
        for i in 0..<(height * width) { out[i] = data[i * channels + c] }
        return out
    }
}

/// The shape of a batch-1 NHWC tensor, as Keras reports it without the batch axis.
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
    public let height: Int
    public let width: Int
    public let channels: Int

    public init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }

    public var count: Int { height * width * channels }

    /// "112x112x96", or "1280" for a vector (1x1xC reached through pooling or a dense layer).
    public var description: String { "\(height)x\(width)x\(channels)" }
}
