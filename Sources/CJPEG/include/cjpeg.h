// cjpeg: the one file through which featuremaps touches libjpeg (libjpeg-turbo, libjpeg62 API).
//
// libjpeg's default error manager calls exit() and prints warnings to stderr. cjpeg.c replaces
// it with a setjmp/longjmp manager, so every failure comes back as a cjpeg_status plus the
// library's own message, and nothing is ever printed.
#ifndef CJPEG_H
#define CJPEG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of cjpeg_decode_rgb. Every status except CJPEG_OK leaves `pixels` NULL.
typedef enum cjpeg_status {
    CJPEG_OK = 0,
    /// libjpeg rejected the data (bad marker, bad Huffman table, ...); `message` has its text.
    CJPEG_CORRUPT = 1,
    /// The data ended before the image did ("Premature end of JPEG file"); `message` has it.
    CJPEG_TRUNCATED = 2,
    /// width * height exceeds the caller's max_pixels; `width` and `height` are the header's.
    /// Checked right after the header is read, before any image-sized allocation.
    CJPEG_TOO_MANY_PIXELS = 3,
    /// A colour space with no RGB conversion here (e.g. 2-component); `message` names it.
    CJPEG_UNSUPPORTED = 4,
    /// malloc of the width * height * 3 output failed.
    CJPEG_OUT_OF_MEMORY = 5,
} cjpeg_status;

#define CJPEG_MESSAGE_LENGTH 200

/// Result of one decode. `pixels` (when non-NULL) is a malloc'd width * height * 3 buffer of
/// 8-bit RGB, rows top to bottom; release it with cjpeg_free.
typedef struct cjpeg_image {
    unsigned char *pixels;
    uint32_t width;
    uint32_t height;
    /// Count of non-fatal libjpeg warnings (e.g. "extraneous bytes before marker"); the first
    /// one's text is in `message` when the status is CJPEG_OK.
    int warning_count;
    char message[CJPEG_MESSAGE_LENGTH];
} cjpeg_image;

/// Decodes the JPEG in data[0..<size] (jpeg_mem_src) to 8-bit RGB.
/// Greyscale is replicated to R = G = B; YCbCr and RGB go through libjpeg's own conversion;
/// CMYK and YCCK are decoded as CMYK (inverted first when an Adobe APP14 marker is present,
/// as Adobe writes inverted CMYK) and mapped with Pillow's formula
/// R = (255 - C) * (255 - K) / 255, rounded like Pillow's MULDIV255. Progressive and baseline
/// are both handled by libjpeg. Refuses width * height > max_pixels before allocating.
/// Always fills *out (pixels NULL on failure) and returns the status.
cjpeg_status cjpeg_decode_rgb(const unsigned char *data, size_t size, uint64_t max_pixels,
                              cjpeg_image *out);

/// Frees a pixel buffer returned in cjpeg_image.pixels (free(); NULL is allowed).
void cjpeg_free(unsigned char *pixels);

#ifdef __cplusplus
}
#endif

#endif
