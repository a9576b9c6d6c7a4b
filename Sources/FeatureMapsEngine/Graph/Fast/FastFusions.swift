// The engine's fused kernels (the old MobileNetV2 path's: Kernels/, CKernelsAVX512) as fusion
// passes over any graph, found by pattern (layer types, configurations and edges; never names):
//
//   pass                 pattern                                                     kernel
//   StemConvFusion       Conv2D 3x3/2 'same' [-> BN [-> ReLU6 | ReLU]]                stemColumns + pointwise GEMM
//   PointwiseConvFusion  Conv2D 1x1 [-> BN [-> Add] [-> ReLU6 | ReLU]]               pointwise GEMM + epilogue
//   DepthwiseConvFusion  [ZeroPadding2D ->] DepthwiseConv2D 3x3 [-> BN [-> ReLU6 | ReLU]]  depthwise + epilogue
//   BatchNormFusion      BN [-> ReLU6 | ReLU] left over (its convolution requested)  epilogue pass in place
//   BandedBlockFusion    fused expansion (BN, ReLU6) -> fused depthwise (BN, ReLU6)  bandedExpandDepthwise
//   InvertedResidualFusion  fused (expansion +) depthwise -> fused 1x1 projection      inner maps in aligned scratch
//   ClassifierFusion     GlobalAveragePooling2D -> Dense (softmax | linear)          globalAveragePool + dense + softmax
//   ScratchSequenceFusion  runs of fused single-input steps                          values between them in aligned scratch
//
// A chain stops at a requested value or at a value read twice, so every requested value is still
// computed (by the fused step ending there). With only a MobileNetV2's outputs requested, the
// steps compute every value the same way however a chain is split (MobileNetV2GraphTests). The
// executor rewrites once per requested set of values and keeps the steps for later runs.

/// The passes, in the order they must run; hand them to `GraphExecutor(graph:threads:fusions:)`.
/// They share one BatchNorm folding cache: each BatchNorm is folded on the first run and kept for
/// the passes' (the executor's) life.
public enum FastFusions {
    /// `simd`: the width of the engine's kernels (default: the widest this CPU runs).
    public static func passes(simd: SIMDWidth = .best) -> [any FusionPass] {
        let folding = BatchNormFolding()
        return [
            StemConvFusion(simd: simd, folding: folding), PointwiseConvFusion(simd: simd, folding: folding),
            DepthwiseConvFusion(simd: simd, folding: folding), BatchNormFusion(folding: folding), BandedBlockFusion(simd: simd),
            InvertedResidualFusion(), ClassifierFusion(), ScratchSequenceFusion(),
        ]
    }
}
