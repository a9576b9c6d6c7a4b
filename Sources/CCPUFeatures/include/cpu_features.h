// What the CPU and the operating system let the kernels use, from CPUID and XGETBV (x86-64 only;
// other architectures report nothing). AVX-512 counts only when the OS saves the ZMM and mask
// registers (XCR0 bits 5-7 with 1-2), as an AVX-512 instruction would otherwise fault.
#ifndef FEATUREMAPS_CPU_FEATURES_H
#define FEATUREMAPS_CPU_FEATURES_H

#if defined(__x86_64__)
#include <cpuid.h>

static inline unsigned long long fm_xgetbv0(void) {
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

/// 1 when AVX2, FMA and AVX-512 F/BW/DQ/VL are there and enabled by the OS, else 0.
static inline int fm_cpu_has_avx512(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int osxsave = (c >> 27) & 1, fma = (c >> 12) & 1;
    if (!osxsave || !fma) return 0;
    if ((fm_xgetbv0() & 0xE6) != 0xE6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const unsigned int need = (1u << 5) | (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);  // AVX2 F DQ BW VL
    return (b & need) == need;
}
#else
static inline int fm_cpu_has_avx512(void) { return 0; }
#endif

#endif
