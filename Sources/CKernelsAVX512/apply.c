// The epilogue as a pass of its own at 16 lanes, over a block that a kernel has just written.
// Twin: SIMDKernels.apply (FeatureMapsKernels/SIMDKernels.swift): per row, vectors of 16 values,
// then single values; each value gets `Epilogue.applied`'s operations (BatchNorm as a multiply then
// an add, + residual, the clamp), so the result does not depend on the width.
#include "kernels_avx512.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang fp contract(off)
#pragma clang attribute push(__attribute__((target("avx2,fma,avx512f,avx512bw,avx512dq,avx512vl"))), apply_to = function)
#include "vector512.h"

void fm_avx512_apply(fm_epilogue e, float *p, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, ptrdiff_t channel0) {
    if (!e.scale && !e.residual && !e.relu6) return;  // Epilogue.isNone
    const ptrdiff_t vec_cols = cols - cols % L16;
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = p + r * ld;
        const ptrdiff_t first = r * ld;
        ptrdiff_t j = 0;
        for (; j < vec_cols; j += L16) {
            _mm512_storeu_ps(row + j, applied16(&e, _mm512_loadu_ps(row + j), channel0 + j, first + j));
        }
        for (; j < cols; j++) row[j] = applied1(&e, row[j], channel0 + j, first + j);
    }
}

#pragma clang attribute pop
#else
// Not x86-64: CCPUFeatures reports no AVX-512, so the engine never calls this.
void fm_avx512_apply(fm_epilogue e, float *p, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, ptrdiff_t channel0) {
    __builtin_trap();
}
#endif
