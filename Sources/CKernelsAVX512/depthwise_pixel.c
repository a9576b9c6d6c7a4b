// The depthwise layer's border pixels at 16 lanes (the contract is in depthwise.c). Twins:
// DepthwiseTiles.pixel and DepthwiseTiles.pixelTail (FeatureMapsKernels/DepthwiseTiles.swift).
// The 7x7 and 14x14 maps are mostly border pixels, so a pixel runs 8, then 4 vectors of channels
// at a time (independent chains of multiply-adds; one chain would wait on each FMA's latency), then
// single vectors, then single channels. Each output: the taps inside the input, in (ky, kx) order.
#include "kernels_avx512.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang fp contract(off)
#pragma clang attribute push(__attribute__((target("avx2,fma,avx512f,avx512bw,avx512dq,avx512vl"))), apply_to = function)
#include "vector512.h"
#include "depthwise512.h"

FM_INLINE ptrdiff_t max_pd(ptrdiff_t x, ptrdiff_t y) { return x > y ? x : y; }
FM_INLINE ptrdiff_t min_pd(ptrdiff_t x, ptrdiff_t y) { return x < y ? x : y; }

/// V vectors of channels ch..<ch+16V of output `dst` (V constant at every call), taps
/// [ky0, ky1) x [kx0, kx1) of the input pixel at (y0, x0), then BatchNorm and the clamp.
FM_INLINE void pixel_chunk(const fm_depthwise_shape *s, ptrdiff_t y0, ptrdiff_t x0, ptrdiff_t ky0, ptrdiff_t ky1,
                           ptrdiff_t kx0, ptrdiff_t kx1, ptrdiff_t ch, const float *input, const float *kernel,
                           float *dst, const fm_epilogue *e, const int V) {
    const ptrdiff_t c = s->c;
    __m512 acc[8];
    FM_UNROLL for (int v = 0; v < V; v++) acc[v] = _mm512_setzero_ps();
    for (ptrdiff_t ky = ky0; ky < ky1; ky++) {
        for (ptrdiff_t kx = kx0; kx < kx1; kx++) {
            const float *src = input + ((y0 + ky) * s->w + x0 + kx) * c + ch;
            const float *k = kernel + (ky * 3 + kx) * c + ch;
            FM_UNROLL for (int v = 0; v < V; v++) {
                acc[v] = madd16(acc[v], _mm512_loadu_ps(src + v * L16), _mm512_loadu_ps(k + v * L16));
            }
        }
    }
    // BatchNorm, then the clamp (`applied16`'s operations; a depthwise epilogue has no residual).
    if (e->scale && e->shift) {
        FM_UNROLL for (int v = 0; v < V; v++) {
            acc[v] = bn16(acc[v], _mm512_loadu_ps(e->scale + ch + v * L16), _mm512_loadu_ps(e->shift + ch + v * L16));
        }
    }
    if (e->relu6) {
        FM_UNROLL for (int v = 0; v < V; v++) acc[v] = relu6_16(acc[v]);
    }
    FM_UNROLL for (int v = 0; v < V; v++) _mm512_storeu_ps(dst + ch + v * L16, acc[v]);
}

void fm_dw_pixel(const fm_depthwise_shape *s, ptrdiff_t oy, ptrdiff_t ox, const float *input, const float *kernel,
                 float *output, const fm_epilogue *e) {
    const ptrdiff_t c = s->c;
    float *dst = output + (oy * s->ow + ox) * c;
    const ptrdiff_t y0 = oy * s->stride - s->pad_top, x0 = ox * s->stride - s->pad_left;
    const ptrdiff_t ky0 = max_pd(0, -y0), ky1 = max_pd(ky0, min_pd(3, s->h - y0));
    const ptrdiff_t kx0 = max_pd(0, -x0), kx1 = max_pd(kx0, min_pd(3, s->w - x0));
    ptrdiff_t ch = 0;
    for (; ch + 8 * L16 <= c; ch += 8 * L16) pixel_chunk(s, y0, x0, ky0, ky1, kx0, kx1, ch, input, kernel, dst, e, 8);
    for (; ch + 4 * L16 <= c; ch += 4 * L16) pixel_chunk(s, y0, x0, ky0, ky1, kx0, kx1, ch, input, kernel, dst, e, 4);
    for (; ch + L16 <= c; ch += L16) pixel_chunk(s, y0, x0, ky0, ky1, kx0, kx1, ch, input, kernel, dst, e, 1);
    fm_dw_pixel_tail(s, oy, ox, ch, input, kernel, output, e);
}

void fm_dw_pixel_tail(const fm_depthwise_shape *s, ptrdiff_t oy, ptrdiff_t ox, ptrdiff_t from, const float *input,
                      const float *kernel, float *output, const fm_epilogue *e) {
    const ptrdiff_t c = s->c;
    float *dst = output + (oy * s->ow + ox) * c;
    for (ptrdiff_t ch = from; ch < c; ch++) {
        float acc = 0;
        for (ptrdiff_t ky = 0; ky < 3; ky++) {
            const ptrdiff_t iy = oy * s->stride + ky - s->pad_top;
            if (iy < 0 || iy >= s->h) continue;
            for (ptrdiff_t kx = 0; kx < 3; kx++) {
                const ptrdiff_t ix = ox * s->stride + kx - s->pad_left;
                if (ix < 0 || ix >= s->w) continue;
                acc = madd1(acc, input[(iy * s->w + ix) * c + ch], kernel[(ky * 3 + kx) * c + ch]);
            }
        }
        dst[ch] = applied1(e, acc, ch, 0);
    }
}

#pragma clang attribute pop
#endif
