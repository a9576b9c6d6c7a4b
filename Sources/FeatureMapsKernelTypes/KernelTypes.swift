// The contracts shared by the engine and its SIMD kernels (FeatureMapsKernels, 8 lanes, Swift;
// CKernelsAVX512, 16 lanes, C): what a kernel computes and on which memory, with no arithmetic.
// The C kernels take the same fields as plain C structs (`fm_epilogue`, `fm_depthwise_shape` in
// kernels_avx512.h), converted by the engine (SIMDWidth.swift).

/// An output treatment applied right after a kernel writes a block (while it is in cache):
/// y = x * scale[c] + shift[c] (BatchNorm, a multiply then an add, never fused), then + residual
/// (Keras `Add`), then ReLU6 (a compare-and-replace clamp that keeps NaN), each optional.
/// `residual`, when set, has the layout of the output it is added to.
/// `@unchecked Sendable` for its raw pointers: they point at BatchNorm parameters and a residual
/// buffer that are only read, by tasks of one layer while the caller keeps them alive and writes
/// nothing to them (the tasks write disjoint parts of the output, never these).
public struct Epilogue: @unchecked Sendable {
    public var scale: UnsafePointer<Float>?
    public var shift: UnsafePointer<Float>?
    public var residual: UnsafePointer<Float>?
    public var relu6: Bool

    public init(
        scale: UnsafePointer<Float>? = nil, shift: UnsafePointer<Float>? = nil,
        residual: UnsafePointer<Float>? = nil, relu6: Bool = false
    ) {
        self.scale = scale
        self.shift = shift
        self.residual = residual
        self.relu6 = relu6
    }

    public static let none = Epilogue()
    public var isNone: Bool { scale == nil && residual == nil && !relu6 }
}

/// Shape and padding of one depthwise 3x3 layer: HxWxC -> OHxOWxC with
/// out[oy, ox, c] = sum over ky, kx of in[oy*stride + ky - padTop, ox*stride + kx - padLeft, c] * k[ky, kx, c],
/// reading zero outside the input. Kernel [3, 3, C, 1] row-major: k[(ky*3 + kx)*C + c].
/// Keras's two cases: stride 1 'same' is padTop = padLeft = 1, OH = H; stride 2 after
/// ZeroPadding2D(correct_pad) 'valid' is pad = stride2Padding(n).before, OH = ceil(H/2).
public struct DepthwiseShape: Equatable, Sendable {
    public let h: Int, w: Int, c: Int, stride: Int, padTop: Int, padLeft: Int, oh: Int, ow: Int

    public init(h: Int, w: Int, c: Int, stride: Int, padTop: Int, padLeft: Int, oh: Int, ow: Int) {
        (self.h, self.w, self.c, self.stride, self.padTop, self.padLeft, self.oh, self.ow) = (h, w, c, stride, padTop, padLeft, oh, ow)
    }

    /// Output columns [xLo, xHi) and rows [yLo, yHi) whose 9 taps all lie inside the input.
    public var xLo: Int { (padLeft + stride - 1) / stride }
    public var xHi: Int { Self.interiorEnd(size: w, pad: padLeft, stride: stride, out: ow, start: xLo) }
    public var yLo: Int { (padTop + stride - 1) / stride }
    public var yHi: Int { Self.interiorEnd(size: h, pad: padTop, stride: stride, out: oh, start: yLo) }

    /// One past the last output index o with o*stride - pad + 2 <= size - 1.
    private static func interiorEnd(size: Int, pad: Int, stride: Int, out: Int, start: Int) -> Int {
        let span = size - 3 + pad
        return span < 0 ? start : max(start, min(out, span / stride + 1))
    }

    /// Output rows per task: about 32 K outputs per task, at least two tasks when there are two rows,
    /// rows shared evenly (any split gives the same bits).
    public var rowsPerTask: Int {
        let tasks = min(max(1, oh), max(2, (oh * ow * c + 16_384) / 32_768))
        return max(1, (oh + tasks - 1) / tasks)
    }
    public var taskCount: Int { (oh + rowsPerTask - 1) / rowsPerTask }
}
