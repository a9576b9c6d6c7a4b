// The per-element operations every 16-lane kernel shares, written once (twins: the functions of
// FeatureMapsKernels/Vector.swift): multiply-add, the epilogue (BatchNorm, residual, ReLU6) on a
// 16-lane vector, an 8-lane vector and one value. Include only from a kernel file (x86-64), after
// <immintrin.h> and its `#pragma clang fp contract(off)`, and inside its
// `#pragma clang attribute push(target(...))`: these functions are then AVX-512 code, and no
// multiply and add are ever contracted into one FMA. (<immintrin.h> is not included here: under
// the pushed attribute, its own functions would get a second target attribute.)
#ifndef FEATUREMAPS_VECTOR512_H
#define FEATUREMAPS_VECTOR512_H

#include "kernels_avx512.h"

#define FM_INLINE static inline __attribute__((always_inline))
/// Full unrolling of a loop with a constant trip count, so that arrays of vectors live in registers.
#define FM_UNROLL _Pragma("clang loop unroll(full)")

enum { L16 = 16, L8 = 8 };

/// acc + a * b: one fused multiply-add (one rounding), or with FEATUREMAPS_NO_FMA a multiply then
/// an add (two roundings). Twins: the three `madd` of Vector.swift (Float.addingProduct).
FM_INLINE __m512 madd16(__m512 acc, __m512 a, __m512 b) {
#if defined(FEATUREMAPS_NO_FMA)
    return _mm512_add_ps(acc, _mm512_mul_ps(a, b));
#else
    return _mm512_fmadd_ps(a, b, acc);
#endif
}

FM_INLINE __m256 madd8(__m256 acc, __m256 a, __m256 b) {
#if defined(FEATUREMAPS_NO_FMA)
    return _mm256_add_ps(acc, _mm256_mul_ps(a, b));
#else
    return _mm256_fmadd_ps(a, b, acc);
#endif
}

FM_INLINE float madd1(float acc, float a, float b) {
#if defined(FEATUREMAPS_NO_FMA)
    return acc + a * b;
#else
    return __builtin_fmaf(a, b, acc);
#endif
}

/// Keras ReLU(6.0): x < 0 -> 0, then x > 6 -> 6, otherwise x; NaN stays NaN, -0 stays -0. MAXPS
/// and MINPS are that compare-and-replace by definition (dst = src1 > src2 ? src1 : src2, and
/// src1 < src2 ? src1 : src2; an unordered compare is false, so src2 = x passes through), the same
/// instructions LLVM makes of Swift's `replacing(with:where:)` clamp. Twins: the `clampReLU6`.
FM_INLINE __m512 relu6_16(__m512 v) {
    return _mm512_min_ps(_mm512_set1_ps(6), _mm512_max_ps(_mm512_setzero_ps(), v));
}

FM_INLINE __m256 relu6_8(__m256 v) {
    return _mm256_min_ps(_mm256_set1_ps(6), _mm256_max_ps(_mm256_setzero_ps(), v));
}

FM_INLINE float relu6_1(float x) { return x < 0 ? 0 : (x > 6 ? 6 : x); }

/// BatchNorm's affine: x * m, rounded, then + d, rounded (never fused).
FM_INLINE __m512 bn16(__m512 x, __m512 m, __m512 d) { return _mm512_add_ps(_mm512_mul_ps(x, m), d); }
FM_INLINE __m256 bn8(__m256 x, __m256 m, __m256 d) { return _mm256_add_ps(_mm256_mul_ps(x, m), d); }

/// The epilogue on one vector of outputs of channels `ch`..., whose residual (when set) is at
/// offset `at`. Twins: `Epilogue.applied` (its Vec, HalfVec and Float forms).
FM_INLINE __m512 applied16(const fm_epilogue *e, __m512 v, ptrdiff_t ch, ptrdiff_t at) {
    if (e->scale && e->shift) v = bn16(v, _mm512_loadu_ps(e->scale + ch), _mm512_loadu_ps(e->shift + ch));
    if (e->residual) v = _mm512_add_ps(v, _mm512_loadu_ps(e->residual + at));
    if (e->relu6) v = relu6_16(v);
    return v;
}

FM_INLINE __m256 applied8(const fm_epilogue *e, __m256 v, ptrdiff_t ch, ptrdiff_t at) {
    if (e->scale && e->shift) v = bn8(v, _mm256_loadu_ps(e->scale + ch), _mm256_loadu_ps(e->shift + ch));
    if (e->residual) v = _mm256_add_ps(v, _mm256_loadu_ps(e->residual + at));
    if (e->relu6) v = relu6_8(v);
    return v;
}

FM_INLINE float applied1(const fm_epilogue *e, float y, ptrdiff_t ch, ptrdiff_t at) {
    if (e->scale && e->shift) y = y * e->scale[ch] + e->shift[ch];
    if (e->residual) y = y + e->residual[at];
    if (e->relu6) y = relu6_1(y);
    return y;
}

#endif
