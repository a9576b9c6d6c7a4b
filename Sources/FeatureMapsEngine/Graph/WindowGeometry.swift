// Where a sliding window (convolution or pooling) reads, on one axis, with Keras's padding modes,
// which are TensorFlow's:
//   valid: out = floor((n - ((k - 1) d + 1)) / s) + 1, no padding
//   same:  out = ceil(n / s), total = max(0, (out - 1) s + (k - 1) d + 1 - n),
//          before = floor(total / 2), after = total - before (the odd pixel at the bottom / right)
// Output index o reads input o * s + j * d - before for window tap j (outside 0..<n: padding).

/// Keras's `padding` of a convolution or pooling layer.
public enum Padding: String, Sendable, Equatable {
    case valid, same
}

/// One axis of a window: the sizes and the padding TensorFlow uses.
public struct AxisWindow: Sendable, Equatable {
    public let input: Int, kernel: Int, stride: Int, dilation: Int
    public let output: Int
    public let padBefore: Int, padAfter: Int

    /// nil when the window does not fit ('valid' with a kernel larger than the input).
    public init?(input n: Int, kernel k: Int, stride s: Int, dilation d: Int = 1, padding: Padding) {
        precondition(n >= 0 && k >= 1 && s >= 1 && d >= 1, "window sizes must be positive")
        input = n
        kernel = k
        stride = s
        dilation = d
        let span = (k - 1) * d + 1
        switch padding {
        case .valid:
            guard n >= span else { return nil }
            output = (n - span) / s + 1
            padBefore = 0
            padAfter = 0
        case .same:
            guard n >= 1 else { return nil }
            output = (n + s - 1) / s
            let total = max(0, (output - 1) * s + span - n)
            padBefore = total / 2
            padAfter = total - total / 2
        }
    }

    /// The input index tap `j` of output `o` reads (may be outside 0..<input: padding).
    @inline(__always)
    public func source(_ o: Int, _ j: Int) -> Int { o * stride + j * dilation - padBefore }
}

/// A 2-D window over an (H, W, C) map.
public struct Window2D: Sendable, Equatable {
    public let rows: AxisWindow, cols: AxisWindow

    /// nil when the window does not fit the map.
    public init?(height: Int, width: Int, kernel: [Int], strides: [Int], dilation: [Int] = [1, 1], padding: Padding) {
        guard let r = AxisWindow(input: height, kernel: kernel[0], stride: strides[0], dilation: dilation[0], padding: padding),
            let c = AxisWindow(input: width, kernel: kernel[1], stride: strides[1], dilation: dilation[1], padding: padding)
        else { return nil }
        rows = r
        cols = c
    }
}
