import FeatureMapsKernelTypes

// Depthwise 3x3 convolution (Keras `DepthwiseConv2D(kernel_size=3, use_bias=False)`) with the
// following BatchNorm and ReLU6 fused into the same pass when asked, split into row tasks; the
// rows themselves are computed by the SIMD kernel modules (FeatureMapsKernels/DepthwiseTiles.swift).

/// Namespace of the engine's kernels. Each fast kernel has a plain twin in `ReferenceKernels`.
public enum Kernels {}

extension Kernels {
    /// The depthwise layer over all output rows, split into row tasks; `epilogue` (BatchNorm with
    /// optional ReLU6; a residual is refused) is applied to each output as it is computed.
    /// Every output is the same sequence of fused multiply-adds, taps in (ky, kx) order from 0, on
    /// every path (tiles, borders, channel tails) and at both widths: tiling, threads and `simd`
    /// change no bit. 16 lanes only when C is a multiple of 16 (otherwise a channel tail runs one
    /// value at a time, where 8 lanes cover it).
    static func depthwise(
        _ pool: ThreadPool, _ s: DepthwiseShape, input: UnsafePointer<Float>, kernel: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, epilogue: Epilogue, simd: SIMDWidth
    ) {
        require(s.stride == 1 || s.stride == 2, "depthwise stride must be 1 or 2, got \(s.stride)")
        require(epilogue.residual == nil, "a depthwise epilogue has no residual")
        let kernels = (simd == .lanes16 && s.c % 16 == 0 ? SIMDWidth.lanes16 : .lanes8).kernels
        pool.parallelFor(s.taskCount) { t in
            let first = t * s.rowsPerTask
            kernels.depthwise(s, first..<min(s.oh, first + s.rowsPerTask), input, kernel, output, epilogue)
        }
    }
}
