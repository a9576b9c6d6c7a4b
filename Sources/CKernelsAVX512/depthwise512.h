// The depthwise layer's border paths (depthwise_pixel.c), called by its tiles (depthwise.c).
// Include, as vector512.h, only inside a kernel file's `#pragma clang attribute push(target(...))`.
#ifndef FEATUREMAPS_DEPTHWISE512_H
#define FEATUREMAPS_DEPTHWISE512_H

#include "kernels_avx512.h"

/// Output pixel (oy, ox), every channel, taps outside the input skipped. Twin: DepthwiseTiles.pixel.
__attribute__((visibility("hidden"))) void fm_dw_pixel(const fm_depthwise_shape *s, ptrdiff_t oy, ptrdiff_t ox,
                                                       const float *input, const float *kernel, float *output,
                                                       const fm_epilogue *e);

/// Channels from..<C of output pixel (oy, ox), one at a time. Twin: DepthwiseTiles.pixelTail.
__attribute__((visibility("hidden"))) void fm_dw_pixel_tail(const fm_depthwise_shape *s, ptrdiff_t oy, ptrdiff_t ox,
                                                            ptrdiff_t from, const float *input, const float *kernel,
                                                            float *output, const fm_epilogue *e);

#endif
