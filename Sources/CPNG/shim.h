// cpng: the one file through which featuremaps touches libpng (1.6, full API).
//
// libpng reports errors by calling an error function that must not return. The functions
// below install one that records the message and longjmps back into C code in this header,
// so Swift only ever sees a cpng_status plus libpng's message; warnings are counted, never
// printed. All functions are static inline because CPNG is a system-library target (a module
// map, no compiled sources); the setjmp and the longjmp both happen in C frames, never across
// a Swift frame.
//
// Decoding mirrors Pillow's `Image.open(p).convert('RGB')`, which is what Keras' load_img does:
// samples are taken as stored (gAMA, cHRM, sRGB, iCCP and sBIT are ignored, as Pillow's
// convert ignores them), alpha and tRNS are dropped (not composited), 16-bit samples keep
// their high byte (Pillow's ";16B" unpackers), except 16-bit greyscale, which Pillow opens as
// mode "I;16" and converts by clamping each value to 0...255; that clamp is reproduced.
#ifndef CPNG_SHIM_H
#define CPNG_SHIM_H

#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum cpng_status {
    CPNG_OK = 0,
    /// libpng rejected the data (bad signature, CRC, zlib stream, ...); `message` has its text.
    CPNG_CORRUPT = 1,
    /// The data ended before the image data did; `message` says so.
    CPNG_TRUNCATED = 2,
    /// width * height exceeds max_pixels; width and height hold the IHDR values. Checked
    /// before any image-sized allocation.
    CPNG_TOO_MANY_PIXELS = 3,
    /// malloc failed (image buffers, or the growing encoder output).
    CPNG_OUT_OF_MEMORY = 4,
} cpng_status;

#define CPNG_MESSAGE_LENGTH 200

/// Decode result: `pixels` (non-NULL only with CPNG_OK) is a malloc'd width * height * 3
/// RGB8 buffer, rows top to bottom; release it with cpng_free.
typedef struct cpng_image {
    unsigned char *pixels;
    uint32_t width;
    uint32_t height;
    int warning_count;  // libpng warnings; the first one's text is in `message` on CPNG_OK
    char message[CPNG_MESSAGE_LENGTH];
} cpng_image;

/// Encoder output: `bytes` (non-NULL only with CPNG_OK) is a malloc'd PNG file of `size`
/// bytes; release it with cpng_free.
typedef struct cpng_buffer {
    unsigned char *bytes;
    size_t size;
    size_t capacity;
    char message[CPNG_MESSAGE_LENGTH];
} cpng_buffer;

/// One text chunk for the encoder: NUL-terminated key and value. `utf8` = 0 writes tEXt
/// (value must be Latin-1), 1 writes an uncompressed iTXt with a UTF-8 value.
typedef struct cpng_text_entry {
    const char *key;
    const char *value;
    int utf8;
} cpng_text_entry;

/// Error plumbing shared by the read and write paths (libpng's error_ptr).
typedef struct cpng_guard {
    jmp_buf escape;
    cpng_status failure;  // returned after the longjmp; callbacks may pre-set it
    char *message;        // CPNG_MESSAGE_LENGTH bytes
    int warning_count;
} cpng_guard;

static inline void cpng_on_error(png_structp png, png_const_charp text) {
    cpng_guard *guard = (cpng_guard *)png_get_error_ptr(png);
    snprintf(guard->message, CPNG_MESSAGE_LENGTH, "%s", text);
    if (guard->failure == CPNG_OK) guard->failure = CPNG_CORRUPT;
    longjmp(guard->escape, 1);
}

static inline void cpng_on_warning(png_structp png, png_const_charp text) {
    cpng_guard *guard = (cpng_guard *)png_get_error_ptr(png);
    if (guard->warning_count == 0) snprintf(guard->message, CPNG_MESSAGE_LENGTH, "%s", text);
    guard->warning_count += 1;
}

static inline void cpng_free(void *bytes) { free(bytes); }

// MARK: - Decoding

/// State of one decode, kept outside the frame that calls setjmp.
typedef struct cpng_read_state {
    cpng_guard guard;
    png_structp png;
    png_infop info;
    const unsigned char *data;
    size_t size, offset;
    unsigned char *grey16;  // 16-bit greyscale samples before the clamp
    png_bytep *rows;
    cpng_image *out;
} cpng_read_state;

/// libpng read callback over the caller's memory buffer.
static inline void cpng_read_bytes(png_structp png, png_bytep dest, size_t length) {
    cpng_read_state *st = (cpng_read_state *)png_get_io_ptr(png);
    if (st->size - st->offset < length) {
        st->guard.failure = CPNG_TRUNCATED;
        png_error(png, "the data ends before the image does");
    }
    memcpy(dest, st->data + st->offset, length);
    st->offset += length;
}

/// Converts big-endian 16-bit grey to RGB8 the way Pillow's "I;16" -> "RGB" does: clamp to 255.
static inline void cpng_clamp_grey16(const unsigned char *src, unsigned char *rgb, size_t count) {
    for (size_t i = 0; i < count; i++) {
        unsigned v = ((unsigned)src[2 * i] << 8) | src[2 * i + 1];
        unsigned char g = v > 255 ? 255 : (unsigned char)v;
        rgb[3 * i] = g;
        rgb[3 * i + 1] = g;
        rgb[3 * i + 2] = g;
    }
}

static inline cpng_status cpng_decode_guarded(cpng_read_state *st, uint64_t max_pixels) {
    if (setjmp(st->guard.escape)) return st->guard.failure;
    st->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &st->guard, cpng_on_error,
                                     cpng_on_warning);
    if (!st->png) return CPNG_OUT_OF_MEMORY;
    st->info = png_create_info_struct(st->png);
    if (!st->info) return CPNG_OUT_OF_MEMORY;
    png_set_read_fn(st->png, st, cpng_read_bytes);
    png_read_info(st->png, st->info);  // signature and every chunk up to the first IDAT

    uint32_t width = png_get_image_width(st->png, st->info);
    uint32_t height = png_get_image_height(st->png, st->info);
    st->out->width = width;
    st->out->height = height;
    if ((uint64_t)width * height > max_pixels) return CPNG_TOO_MANY_PIXELS;

    int grey16 = png_get_bit_depth(st->png, st->info) == 16 &&
                 png_get_color_type(st->png, st->info) == PNG_COLOR_TYPE_GRAY;
    if (!grey16) {
        png_set_expand(st->png);       // palette -> RGB, 1/2/4-bit grey -> 8-bit, tRNS -> alpha
        png_set_strip_16(st->png);     // keep the high byte
        png_set_strip_alpha(st->png);  // drop alpha, no compositing
        png_set_gray_to_rgb(st->png);
    }
    png_set_interlace_handling(st->png);  // Adam7 passes are combined by png_read_image
    png_read_update_info(st->png, st->info);
    size_t stride = (size_t)width * (grey16 ? 2 : 3);
    if (png_get_rowbytes(st->png, st->info) != stride) {
        snprintf(st->out->message, CPNG_MESSAGE_LENGTH,
                 "unexpected row size %zu after conversion (wanted %zu)",
                 (size_t)png_get_rowbytes(st->png, st->info), stride);
        return CPNG_CORRUPT;
    }

    st->out->pixels = malloc((size_t)width * height * 3);
    if (grey16) st->grey16 = malloc(stride * height);
    st->rows = malloc(sizeof(png_bytep) * height);
    if (!st->out->pixels || (grey16 && !st->grey16) || !st->rows) return CPNG_OUT_OF_MEMORY;
    unsigned char *target = grey16 ? st->grey16 : st->out->pixels;
    for (uint32_t y = 0; y < height; y++) st->rows[y] = target + stride * y;
    png_read_image(st->png, st->rows);
    // Chunks after the image data (and IEND) are not read: Pillow does not read them either.
    if (grey16) cpng_clamp_grey16(st->grey16, st->out->pixels, (size_t)width * height);
    return CPNG_OK;
}

/// Decodes the PNG in data[0..<size] to RGB8 as described at the top of this file
/// (all colour types, bit depths 1-16, Adam7). Refuses width * height > max_pixels before
/// allocating. Always fills *out; `pixels` is NULL unless the status is CPNG_OK.
static inline cpng_status cpng_decode_rgb(const unsigned char *data, size_t size,
                                          uint64_t max_pixels, cpng_image *out) {
    memset(out, 0, sizeof *out);
    cpng_read_state *st = (cpng_read_state *)calloc(1, sizeof *st);
    if (!st) return CPNG_OUT_OF_MEMORY;
    st->guard.message = out->message;
    st->data = data;
    st->size = size;
    st->out = out;
    cpng_status status = cpng_decode_guarded(st, max_pixels);
    out->warning_count = st->guard.warning_count;
    if (st->png) png_destroy_read_struct(&st->png, st->info ? &st->info : NULL, NULL);
    free(st->grey16);
    free(st->rows);
    if (status != CPNG_OK) {
        free(out->pixels);
        out->pixels = NULL;
    }
    free(st);
    return status;
}

// MARK: - Encoding

/// State of one encode, kept outside the frame that calls setjmp.
typedef struct cpng_write_state {
    cpng_guard guard;
    png_structp png;
    png_infop info;
    png_text *texts;
    cpng_buffer *out;
} cpng_write_state;

/// libpng write callback: appends to out->bytes, doubling the capacity as needed.
static inline void cpng_write_bytes(png_structp png, png_bytep bytes, size_t length) {
    cpng_write_state *st = (cpng_write_state *)png_get_io_ptr(png);
    cpng_buffer *out = st->out;
    if (out->capacity - out->size < length) {
        size_t capacity = out->capacity ? out->capacity : 4096;
        while (capacity - out->size < length) capacity *= 2;
        unsigned char *grown = (unsigned char *)realloc(out->bytes, capacity);
        if (!grown) {
            st->guard.failure = CPNG_OUT_OF_MEMORY;
            png_error(png, "out of memory while growing the PNG output buffer");
        }
        out->bytes = grown;
        out->capacity = capacity;
    }
    memcpy(out->bytes + out->size, bytes, length);
    out->size += length;
}

static inline void cpng_flush(png_structp png) { (void)png; }

static inline cpng_status cpng_encode_guarded(cpng_write_state *st, const unsigned char *rgb,
                                              uint32_t width, uint32_t height,
                                              const cpng_text_entry *entries, int count) {
    if (setjmp(st->guard.escape)) return st->guard.failure;
    st->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &st->guard, cpng_on_error,
                                      cpng_on_warning);
    if (!st->png) return CPNG_OUT_OF_MEMORY;
    st->info = png_create_info_struct(st->png);
    if (!st->info) return CPNG_OUT_OF_MEMORY;
    png_set_write_fn(st->png, st, cpng_write_bytes, cpng_flush);
    // Speed over size (the grids are flat colours whose rows repeat): zlib level 1 and the Up filter
    // alone encode about 4x faster than level 6 with adaptive filtering, for files about 10 % larger.
    png_set_compression_level(st->png, 1);
    png_set_filter(st->png, 0, PNG_FILTER_UP);
    png_set_IHDR(st->png, st->info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (count > 0) {
        st->texts = (png_text *)calloc((size_t)count, sizeof(png_text));
        if (!st->texts) return CPNG_OUT_OF_MEMORY;
        for (int i = 0; i < count; i++) {
            st->texts[i].compression =
                entries[i].utf8 ? PNG_ITXT_COMPRESSION_NONE : PNG_TEXT_COMPRESSION_NONE;
            st->texts[i].key = (png_charp)entries[i].key;     // png_set_text copies both
            st->texts[i].text = (png_charp)entries[i].value;
        }
        png_set_text(st->png, st->info, st->texts, count);
    }
    png_write_info(st->png, st->info);  // signature, IHDR, then the text chunks
    for (uint32_t y = 0; y < height; y++) png_write_row(st->png, rgb + (size_t)width * 3 * y);
    png_write_end(st->png, NULL);  // IEND; no time stamp, so equal input gives equal bytes
    return CPNG_OK;
}

/// Encodes width * height RGB8 pixels (rows top to bottom) as a non-interlaced 8-bit RGB PNG
/// with zlib level 1 and the Up filter on every row (see cpng_encode_guarded), writing the
/// `count` text entries before the image data in the order given. No tIME chunk is written,
/// so the bytes depend only on the input (and the zlib build). Always fills *out; `bytes` is
/// NULL unless the status is CPNG_OK.
static inline cpng_status cpng_encode_rgb(const unsigned char *rgb, uint32_t width,
                                          uint32_t height, const cpng_text_entry *entries,
                                          int count, cpng_buffer *out) {
    memset(out, 0, sizeof *out);
    cpng_write_state *st = (cpng_write_state *)calloc(1, sizeof *st);
    if (!st) return CPNG_OUT_OF_MEMORY;
    st->guard.message = out->message;
    st->out = out;
    cpng_status status = cpng_encode_guarded(st, rgb, width, height, entries, count);
    if (st->png) png_destroy_write_struct(&st->png, st->info ? &st->info : NULL);
    free(st->texts);
    if (status != CPNG_OK) {
        free(out->bytes);
        out->bytes = NULL;
        out->size = 0;
    }
    free(st);
    return status;
}

#endif
