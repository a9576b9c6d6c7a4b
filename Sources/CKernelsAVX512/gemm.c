// The register GEMM of the 1x1 convolutions at 16 lanes. Twin: RegisterGEMM (FeatureMapsKernels/
// RegisterGEMM.swift and RegisterGEMMTails.swift), whose 8-lane results these are bit for bit.
//
// C[rows, cols] = A[rows, 0..<K] * B[0..<K, cols], then the epilogue; A row-major (row stride K),
// B and C row stride N, the residual laid out as C. B is the Keras kernel read in place (no packed
// copy). Each output is K fused multiply-adds in k order from +0 (`madd16` / `madd8` / `madd1`),
// then `Epilogue.applied`'s operations, on every path: the tiling, the task split and the vector
// width change no bit.
//
// Tiles, columns the outer loop (a panel of B, K x 32 floats strided by N, stays in cache while
// every row tile of the block passes over it): 7 rows x 2 vectors (every MobileNetV2 map size,
// 112..7 squared, is a multiple of 7 rows, so no tile is partly empty), then for the last columns
// 8 rows x 1.5 vectors when exactly 24 are left (the 24-channel projections), else 8 rows x 1 vector,
// 8 rows x half a vector, and single columns. A tile at the end of the rows reads its missing rows
// from its last row and stores only the rows it has. Every tile applies the epilogue in registers
// (Swift's 8 x half tile stores raw sums and calls `RegisterGEMM.finish`: the same operations).
#include "kernels_avx512.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang fp contract(off)
#pragma clang attribute push(__attribute__((target("avx2,fma,avx512f,avx512bw,avx512dq,avx512vl"))), apply_to = function)
#include "vector512.h"

/// The row of A that row `r` of a tile at row `i` with `count` real rows reads: past the end, the
/// last one. Twin: RegisterGEMM.row.
FM_INLINE ptrdiff_t tile_row(ptrdiff_t i, int r, ptrdiff_t count) { return i + (r < count ? r : count - 1); }

/// R rows (at most 8) x V 16-lane vectors (0-2) + H 8-lane vectors (0-1) of C at rows i..<i+count
/// (count <= R), columns j..., epilogue in registers. R, V, H are constants at every call, so the
/// loops over them unroll and the accumulators are registers (7 x 2: 14 ZMM + 2 for B + 1 for the
/// broadcast of A, of 32). Per k: B's vectors are loaded once for all rows; A's value is broadcast
/// once per row for all its vectors.
FM_INLINE void tile(const float *a, ptrdiff_t k, const float *b, ptrdiff_t n, float *c, ptrdiff_t i, ptrdiff_t count,
                    ptrdiff_t j, const fm_epilogue *e, const int R, const int V, const int H) {
    __m512 acc[8][2];
    __m256 half[8];
    const float *ar[8];
    FM_UNROLL for (int r = 0; r < R; r++) {
        ar[r] = a + tile_row(i, r, count) * k;
        FM_UNROLL for (int v = 0; v < V; v++) acc[r][v] = _mm512_setzero_ps();
        if (H) half[r] = _mm256_setzero_ps();
    }
    const float *bp = b + j;
    for (ptrdiff_t kk = 0; kk < k; kk++, bp += n) {
        __m512 bv[2];
        FM_UNROLL for (int v = 0; v < V; v++) bv[v] = _mm512_loadu_ps(bp + v * L16);
        const __m256 bh = H ? _mm256_loadu_ps(bp + V * L16) : _mm256_setzero_ps();
        FM_UNROLL for (int r = 0; r < R; r++) {
            const float x = ar[r][kk];
            const __m512 x16 = _mm512_set1_ps(x);
            FM_UNROLL for (int v = 0; v < V; v++) acc[r][v] = madd16(acc[r][v], x16, bv[v]);
            if (H) half[r] = madd8(half[r], _mm256_set1_ps(x), bh);
        }
    }
    // The epilogue, written out: the same operations as `applied16` / `applied8`, in that order;
    // rows past `count` read the last row's residual (and are not stored).
    const ptrdiff_t jh = j + V * L16;
    if (e->scale && e->shift) {
        __m512 m[2], d[2];
        FM_UNROLL for (int v = 0; v < V; v++) {
            m[v] = _mm512_loadu_ps(e->scale + j + v * L16);
            d[v] = _mm512_loadu_ps(e->shift + j + v * L16);
        }
        const __m256 mh = H ? _mm256_loadu_ps(e->scale + jh) : _mm256_setzero_ps();
        const __m256 dh = H ? _mm256_loadu_ps(e->shift + jh) : _mm256_setzero_ps();
        FM_UNROLL for (int r = 0; r < R; r++) {
            FM_UNROLL for (int v = 0; v < V; v++) acc[r][v] = bn16(acc[r][v], m[v], d[v]);
            if (H) half[r] = bn8(half[r], mh, dh);
        }
    }
    if (e->residual) {
        FM_UNROLL for (int r = 0; r < R; r++) {
            const float *res = e->residual + tile_row(i, r, count) * n + j;
            FM_UNROLL for (int v = 0; v < V; v++) acc[r][v] = _mm512_add_ps(acc[r][v], _mm512_loadu_ps(res + v * L16));
            if (H) half[r] = _mm256_add_ps(half[r], _mm256_loadu_ps(res + V * L16));
        }
    }
    if (e->relu6) {
        FM_UNROLL for (int r = 0; r < R; r++) {
            FM_UNROLL for (int v = 0; v < V; v++) acc[r][v] = relu6_16(acc[r][v]);
            if (H) half[r] = relu6_8(half[r]);
        }
    }
    FM_UNROLL for (int r = 0; r < R; r++) {
        if (r >= count) break;
        float *out = c + (i + r) * n + j;
        FM_UNROLL for (int v = 0; v < V; v++) _mm512_storeu_ps(out + v * L16, acc[r][v]);
        if (H) _mm256_storeu_ps(out + V * L16, half[r]);
    }
}

#define TILE_ARGS const float *a, ptrdiff_t k, const float *b, ptrdiff_t n, float *c, ptrdiff_t i, ptrdiff_t count, \
                  ptrdiff_t j, const fm_epilogue *e

/// 7 rows x 2 vectors (32 columns), the main tile. Twin: RegisterGEMM.tile7x2.
__attribute__((noinline)) static void tile7x2(TILE_ARGS) { tile(a, k, b, n, c, i, count, j, e, 7, 2, 0); }

/// 8 rows x 1.5 vectors (24 columns): 16 accumulators, one pass over A. Twin: RegisterGEMM.tile8x1h.
__attribute__((noinline)) static void tile8x1h(TILE_ARGS) { tile(a, k, b, n, c, i, count, j, e, 8, 1, 1); }

/// 8 rows x 1 vector (16 columns). Twin: RegisterGEMM.tile8x1.
__attribute__((noinline)) static void tile8x1(TILE_ARGS) { tile(a, k, b, n, c, i, count, j, e, 8, 1, 0); }

/// 8 rows x half a vector (8 columns). Twin: RegisterGEMM.tile8xHalf (+ RegisterGEMM.finish).
__attribute__((noinline)) static void tile8xhalf(TILE_ARGS) { tile(a, k, b, n, c, i, count, j, e, 8, 0, 1); }

FM_INLINE ptrdiff_t min_pd(ptrdiff_t x, ptrdiff_t y) { return x < y ? x : y; }

/// The tiles over rows row0..<row1 and columns col0..<col1, as in RegisterGEMM.run (16 lanes).
void fm_avx512_gemm(const float *a, ptrdiff_t k, const float *b, ptrdiff_t n, float *c, ptrdiff_t row0,
                    ptrdiff_t row1, ptrdiff_t col0, ptrdiff_t col1, fm_epilogue e) {
    ptrdiff_t j = col0;
    for (; j + 2 * L16 <= col1; j += 2 * L16) {
        for (ptrdiff_t i = row0; i < row1; i += FM_AVX512_GEMM_TILE_ROWS)
            tile7x2(a, k, b, n, c, i, min_pd(FM_AVX512_GEMM_TILE_ROWS, row1 - i), j, &e);
    }
    if (j + L16 + L8 == col1) {  // 24 columns left
        for (ptrdiff_t i = row0; i < row1; i += 8) tile8x1h(a, k, b, n, c, i, min_pd(8, row1 - i), j, &e);
        return;
    }
    if (j + L16 <= col1) {
        for (ptrdiff_t i = row0; i < row1; i += 8) tile8x1(a, k, b, n, c, i, min_pd(8, row1 - i), j, &e);
        j += L16;
    }
    if (j + L8 <= col1) {
        for (ptrdiff_t i = row0; i < row1; i += 8) tile8xhalf(a, k, b, n, c, i, min_pd(8, row1 - i), j, &e);
        j += L8;
    }
    for (; j < col1; j++) {  // single columns
        for (ptrdiff_t r = row0; r < row1; r++) {
            float acc = 0;
            for (ptrdiff_t kk = 0; kk < k; kk++) acc = madd1(acc, a[r * k + kk], b[kk * n + j]);
            c[r * n + j] = applied1(&e, acc, j, r * n + j);
        }
    }
}

#pragma clang attribute pop
#else
// Not x86-64: CCPUFeatures reports no AVX-512, so the engine never calls this.
void fm_avx512_gemm(const float *a, ptrdiff_t k, const float *b, ptrdiff_t n, float *c, ptrdiff_t row0,
                    ptrdiff_t row1, ptrdiff_t col0, ptrdiff_t col1, fm_epilogue e) {
    __builtin_trap();
}
#endif
