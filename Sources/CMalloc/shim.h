// glibc's mallopt(3) and its parameters, from <malloc.h> (which Swift's Glibc module does not
// include). Each wrapper sets one parameter by its glibc name and returns mallopt's result:
// 1 on success, 0 on error. Without glibc's parameters (musl's <malloc.h> has no mallopt)
// they do nothing and return 0.
#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
#include <malloc.h>

/// mallopt(M_MMAP_THRESHOLD, bytes): blocks of `bytes` and more get a mapping of their own.
static inline int cmalloc_set_mmap_threshold(int bytes) {
#ifdef M_MMAP_THRESHOLD
    return mallopt(M_MMAP_THRESHOLD, bytes);
#else
    return 0;
#endif
}

/// mallopt(M_TRIM_THRESHOLD, bytes): free gives memory back to the system only when the top
/// of the heap holds more than `bytes` unused.
static inline int cmalloc_set_trim_threshold(int bytes) {
#ifdef M_TRIM_THRESHOLD
    return mallopt(M_TRIM_THRESHOLD, bytes);
#else
    return 0;
#endif
}
#endif
