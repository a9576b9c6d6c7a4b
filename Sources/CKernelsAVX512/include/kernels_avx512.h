// The engine's 16-lane (AVX-512) kernels, in C: the register GEMM of the 1x1 convolutions, the
// depthwise 3x3 layer and the epilogue pass. Their twins are the 8-lane Swift kernels of
// FeatureMapsKernels (SIMDKernels.swift), and both give BIT-IDENTICAL results: every output is the
// same sequence of IEEE operations at either width, whatever the tiling:
//   - a sum of products is one fused multiply-add per term (vfmadd, one rounding), terms in order
//     (k from 0 in the GEMM; taps in (ky, kx) order in the depthwise layer, those outside the input
//     skipped), starting from +0; built with FEATUREMAPS_NO_FMA (the baseline x86-64 build), a
//     multiply then an add per term, as the Swift kernels do with the same define;
//   - then the epilogue: BatchNorm y = x * scale[c] + shift[c] (a multiply, then an add, never
//     fused), then + residual (Keras `Add`), then ReLU6 (x < 0 -> 0, then x > 6 -> 6, NaN kept).
//
// The code is compiled for AVX-512 F/BW/DQ/VL (with AVX2 and FMA) by a target attribute on each
// function, not by compiler flags, so the package needs no `unsafeFlags`; the rest of the binary
// keeps the build's target CPU. Call these functions only when CCPUFeatures' fm_cpu_has_avx512()
// says the CPU and the OS run AVX-512 (SIMDWidth.best). On other architectures they exist, and trap.
//
// Pointers are not retained. All sizes and indices are in floats.
#ifndef FEATUREMAPS_KERNELS_AVX512_H
#define FEATUREMAPS_KERNELS_AVX512_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Float lanes of the vectors (one ZMM register), and rows of the GEMM's main tile (7 x 2 vectors;
/// task blocks should be multiples of it). Twins: SIMDKernels.lanes, SIMDKernels.gemmTileRows.
enum { FM_AVX512_LANES = 16, FM_AVX512_GEMM_TILE_ROWS = 7 };

/// The Swift `Epilogue` (FeatureMapsKernelTypes/KernelTypes.swift) field by field: BatchNorm when
/// both `scale` and `shift` are set (indexed by channel), the residual when set (laid out as the
/// output it is added to), then the clamp when `relu6`.
typedef struct fm_epilogue {
    const float *_Nullable scale;
    const float *_Nullable shift;
    const float *_Nullable residual;
    bool relu6;
} fm_epilogue;

/// The Swift `DepthwiseShape` with its computed interior bounds filled in by the caller:
/// HxWxC -> OHxOWxC, out[oy, ox, c] = sum over (ky, kx) of
/// in[oy*stride + ky - pad_top, ox*stride + kx - pad_left, c] * k[(ky*3 + kx)*C + c], zero outside the
/// input. Output columns [x_lo, x_hi) and rows [y_lo, y_hi) are those whose 9 taps all lie inside the
/// input (DepthwiseShape.xLo, .xHi, .yLo, .yHi). Stride 1 or 2.
typedef struct fm_depthwise_shape {
    ptrdiff_t h, w, c, stride, pad_top, pad_left, oh, ow;
    ptrdiff_t x_lo, x_hi, y_lo, y_hi;
} fm_depthwise_shape;

/// C[row0..<row1, col0..<col1] = A[rows, 0..<K] * B[0..<K, cols], then `e` on those outputs.
/// A is row-major with row stride `k`; B (the Keras kernel [1, 1, K, N] read as K x N) and C have
/// row stride `n`; the residual has C's layout. K >= 1. Twin: SIMDKernels.gemm (RegisterGEMM.run).
void fm_avx512_gemm(const float *_Nonnull a, ptrdiff_t k, const float *_Nonnull b, ptrdiff_t n,
                    float *_Nonnull c, ptrdiff_t row0, ptrdiff_t row1, ptrdiff_t col0, ptrdiff_t col1,
                    fm_epilogue e);

/// Output rows row0..<row1 (all columns, all channels) of the depthwise layer `s`, NHWC; `e` has no
/// residual. Twin: SIMDKernels.depthwise (DepthwiseTiles.rows).
void fm_avx512_depthwise(fm_depthwise_shape s, ptrdiff_t row0, ptrdiff_t row1, const float *_Nonnull input,
                         const float *_Nonnull kernel, float *_Nonnull output, fm_epilogue e);

/// `e` in place on `rows` x `cols` values at `p` (row stride `ld`) whose channels start at
/// `channel0`; the residual, when set, has the layout of `p`. Twin: SIMDKernels.apply.
void fm_avx512_apply(fm_epilogue e, float *_Nonnull p, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld,
                     ptrdiff_t channel0);

#ifdef __cplusplus
}
#endif

#endif
