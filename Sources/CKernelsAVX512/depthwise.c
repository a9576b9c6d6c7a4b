// The depthwise 3x3 layer (Keras `DepthwiseConv2D(kernel_size=3, use_bias=False)`) at 16 lanes,
// with the following BatchNorm and ReLU6 fused. Twin: DepthwiseTiles (FeatureMapsKernels/
// DepthwiseTiles.swift), whose 8-lane results these are bit for bit.
//
// NHWC input HxWxC, kernel [3, 3, C, 1] (k[(ky*3 + kx)*C + c]), output OHxOWxC; the indexing and
// Keras's paddings are in `fm_depthwise_shape`. Every output is the same sequence of fused
// multiply-adds, taps in (ky, kx) order from +0 (taps outside the input skipped: they would add
// 0 * k), then BatchNorm (multiply, then add) and the clamp, on every path (interior tiles, border
// pixels, channel tails): tiling, threads and the vector width change no bit.
//
// Interior rows (all 9 taps inside) in pairs, a last one alone; along a row, tiles of 4 output
// columns x one vector of 16 channels; border pixels one at a time (depthwise_pixel.c).
#include "kernels_avx512.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang fp contract(off)
#pragma clang attribute push(__attribute__((target("avx2,fma,avx512f,avx512bw,avx512dq,avx512vl"))), apply_to = function)
#include "vector512.h"
#include "depthwise512.h"

/// 1 or 2 output rows (`pair`) x 4 output columns at (oy, ox), every channel, one vector of 16 at a
/// time, then the last C % 16 channels one at a time; all taps inside the input. `pair` and
/// `stride` are constants at every call. Twin: DepthwiseTiles.tile.
FM_INLINE void tile(const fm_depthwise_shape *s, ptrdiff_t oy, ptrdiff_t ox, const int pair, const int stride,
                    const float *input, const float *kernel, float *output, const fm_epilogue *e) {
    const ptrdiff_t c = s->c, step = stride * c, row_stride = s->w * c;
    // Input at tap (0, 0) of output (oy, ox), channel 0; output row oy+1 starts `stride` rows lower.
    const float *src0 = input + ((oy * stride - s->pad_top) * s->w + ox * stride - s->pad_left) * c;
    const float *src1 = src0 + stride * row_stride;
    float *dst0 = output + (oy * s->ow + ox) * c;
    float *dst1 = dst0 + s->ow * c;
    ptrdiff_t ch = 0;
    for (; ch + L16 <= c; ch += L16) {
        __m512 acc[2][4];
        FM_UNROLL for (int p = 0; p < 1 + pair; p++) {
            FM_UNROLL for (int q = 0; q < 4; q++) acc[p][q] = _mm512_setzero_ps();
        }
        FM_UNROLL for (int ky = 0; ky < 3; ky++) {
            const float *r0 = src0 + ky * row_stride + ch, *r1 = src1 + ky * row_stride + ch;
            FM_UNROLL for (int kx = 0; kx < 3; kx++) {
                const __m512 k = _mm512_loadu_ps(kernel + (ky * 3 + kx) * c + ch);
                const ptrdiff_t o = kx * c;
                FM_UNROLL for (int q = 0; q < 4; q++) acc[0][q] = madd16(acc[0][q], _mm512_loadu_ps(r0 + o + q * step), k);
                if (pair) {
                    FM_UNROLL for (int q = 0; q < 4; q++) acc[1][q] = madd16(acc[1][q], _mm512_loadu_ps(r1 + o + q * step), k);
                }
            }
        }
        // The epilogue written out (BatchNorm, then the clamp; no residual): `applied16`'s operations.
        if (e->scale && e->shift) {
            const __m512 m = _mm512_loadu_ps(e->scale + ch), d = _mm512_loadu_ps(e->shift + ch);
            FM_UNROLL for (int p = 0; p < 1 + pair; p++) {
                FM_UNROLL for (int q = 0; q < 4; q++) acc[p][q] = bn16(acc[p][q], m, d);
            }
        }
        if (e->relu6) {
            FM_UNROLL for (int p = 0; p < 1 + pair; p++) {
                FM_UNROLL for (int q = 0; q < 4; q++) acc[p][q] = relu6_16(acc[p][q]);
            }
        }
        FM_UNROLL for (int q = 0; q < 4; q++) _mm512_storeu_ps(dst0 + q * c + ch, acc[0][q]);
        if (pair) {
            FM_UNROLL for (int q = 0; q < 4; q++) _mm512_storeu_ps(dst1 + q * c + ch, acc[1][q]);
        }
    }
    if (ch < c) {
        for (int q = 0; q < 4; q++) {
            fm_dw_pixel_tail(s, oy, ox + q, ch, input, kernel, output, e);
            if (pair) fm_dw_pixel_tail(s, oy + 1, ox + q, ch, input, kernel, output, e);
        }
    }
}

// A run of tiles along one row (or a pair of rows) from ox0 to ox1 (a multiple of 4 apart), one
// function per (stride, pair), each with its own copy of `tile`. Twins: DepthwiseTiles.tilesS1Pair,
// .tilesS1, .tilesS2Pair, .tilesS2.
#define TILES(name, pair, stride)                                                                               \
    __attribute__((noinline)) static void name(const fm_depthwise_shape *s, ptrdiff_t oy, ptrdiff_t ox0,        \
                                               ptrdiff_t ox1, const float *input, const float *kernel,          \
                                               float *output, const fm_epilogue *e) {                           \
        for (ptrdiff_t ox = ox0; ox < ox1; ox += 4) tile(s, oy, ox, pair, stride, input, kernel, output, e);   \
    }
TILES(tiles_s1_pair, 1, 1)
TILES(tiles_s1, 0, 1)
TILES(tiles_s2_pair, 1, 2)
TILES(tiles_s2, 0, 2)

FM_INLINE ptrdiff_t min_pd(ptrdiff_t x, ptrdiff_t y) { return x < y ? x : y; }

/// Output rows row0..<row1: border rows one at a time, interior rows in pairs (a last one alone);
/// in a row, runs of interior tiles, border pixels one by one. Twin: DepthwiseTiles.rows.
void fm_avx512_depthwise(fm_depthwise_shape shape, ptrdiff_t row0, ptrdiff_t row1, const float *input,
                         const float *kernel, float *output, fm_epilogue e) {
    const fm_depthwise_shape *s = &shape;
    e.residual = NULL;  // a depthwise layer has no residual (the engine refuses one)
    ptrdiff_t oy = row0;
    while (oy < row1) {
        const bool interior = oy >= s->y_lo && oy < s->y_hi;
        const bool pair = interior && oy + 1 < min_pd(row1, s->y_hi);
        ptrdiff_t ox = 0;
        while (ox < s->ow) {
            if (interior && ox >= s->x_lo && ox + 4 <= s->x_hi) {
                const ptrdiff_t end = ox + (s->x_hi - ox) / 4 * 4;
                if (s->stride == 1 && pair) tiles_s1_pair(s, oy, ox, end, input, kernel, output, &e);
                else if (s->stride == 1) tiles_s1(s, oy, ox, end, input, kernel, output, &e);
                else if (pair) tiles_s2_pair(s, oy, ox, end, input, kernel, output, &e);
                else tiles_s2(s, oy, ox, end, input, kernel, output, &e);
                ox = end;
            } else {
                fm_dw_pixel(s, oy, ox, input, kernel, output, &e);
                if (pair) fm_dw_pixel(s, oy + 1, ox, input, kernel, output, &e);
                ox += 1;
            }
        }
        oy += pair ? 2 : 1;
    }
}

#pragma clang attribute pop
#else
// Not x86-64: CCPUFeatures reports no AVX-512, so the engine never calls this.
void fm_avx512_depthwise(fm_depthwise_shape shape, ptrdiff_t row0, ptrdiff_t row1, const float *input,
                         const float *kernel, float *output, fm_epilogue e) {
    __builtin_trap();
}
#endif
