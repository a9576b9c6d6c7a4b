// OpenBLAS's CBLAS interface (Debian: /usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h,
// found through pkg-config "openblas").
#include <cblas.h>
