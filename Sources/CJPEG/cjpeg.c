// libjpeg decode to 8-bit RGB behind a setjmp/longjmp error manager. See include/cjpeg.h for
// the contract; this file is the only place featuremaps calls libjpeg.
#include "cjpeg.h"

#include <setjmp.h>
#include <stdio.h>  // jpeglib.h needs FILE
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

/// Everything the guarded decode touches lives here, outside the frame that calls setjmp,
/// so its values are well defined after a longjmp.
struct decode_state {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr err;
    jmp_buf escape;
    cjpeg_status failure;  // status to return when escaping through longjmp
    int created;           // jpeg_create_decompress ran, so jpeg_destroy_decompress must too
    unsigned char *row;    // CMYK scanline scratch, width * 4
    cjpeg_image *out;
};

static struct decode_state *state_of(j_common_ptr cinfo) {
    return (struct decode_state *)cinfo->client_data;
}

/// error_exit: record the message and unwind to decode_guarded instead of calling exit().
static void on_error(j_common_ptr cinfo) {
    struct decode_state *st = state_of(cinfo);
    (*cinfo->err->format_message)(cinfo, st->out->message);
    st->failure = CJPEG_CORRUPT;
    longjmp(st->escape, 1);
}

/// emit_message: level -1 is a warning (corrupt but decodable data); >= 0 are trace messages.
/// "Premature end of JPEG file" is fatal here, as in Pillow; other warnings are counted and
/// the first is kept. Nothing is printed.
static void on_message(j_common_ptr cinfo, int msg_level) {
    struct decode_state *st = state_of(cinfo);
    if (msg_level >= 0) return;
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
        (*cinfo->err->format_message)(cinfo, st->out->message);
        st->failure = CJPEG_TRUNCATED;
        longjmp(st->escape, 1);
    }
    if (st->out->warning_count == 0) (*cinfo->err->format_message)(cinfo, st->out->message);
    st->out->warning_count += 1;
}

/// output_message: never write to stderr.
static void on_output(j_common_ptr cinfo) { (void)cinfo; }

/// Pillow's MULDIV255: a * b / 255 rounded, for a, b in 0...255.
static int muldiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
}

/// One CMYK scanline (ink amounts, 0 = no ink) to RGB with Pillow's cmyk2rgb.
static void cmyk_row_to_rgb(const unsigned char *cmyk, unsigned char *rgb, uint32_t width,
                            int inverted) {
    for (uint32_t x = 0; x < width; x++) {
        int c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
        if (inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
        int nk = 255 - k;
        rgb[3 * x] = (unsigned char)(nk - muldiv255(c, nk));
        rgb[3 * x + 1] = (unsigned char)(nk - muldiv255(m, nk));
        rgb[3 * x + 2] = (unsigned char)(nk - muldiv255(y, nk));
    }
}

/// The decode proper. Every libjpeg error or fatal warning longjmps back here and returns
/// st->failure; the caller releases whatever st holds.
static cjpeg_status decode_guarded(struct decode_state *st, const unsigned char *data,
                                   size_t size, uint64_t max_pixels) {
    if (setjmp(st->escape)) return st->failure;
    struct jpeg_decompress_struct *cinfo = &st->cinfo;
    cinfo->err = jpeg_std_error(&st->err);
    st->err.error_exit = on_error;
    st->err.emit_message = on_message;
    st->err.output_message = on_output;
    jpeg_create_decompress(cinfo);
    cinfo->client_data = st;
    st->created = 1;
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);

    st->out->width = cinfo->image_width;
    st->out->height = cinfo->image_height;
    if ((uint64_t)cinfo->image_width * cinfo->image_height > max_pixels)
        return CJPEG_TOO_MANY_PIXELS;

    int cmyk = 0;
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE: case JCS_YCbCr: case JCS_RGB:
        cinfo->out_color_space = JCS_RGB;
        break;
    case JCS_CMYK: case JCS_YCCK:
        cinfo->out_color_space = JCS_CMYK;  // libjpeg turns YCCK into (still inverted) CMYK
        cmyk = 1;
        break;
    default:
        snprintf(st->out->message, CJPEG_MESSAGE_LENGTH,
                 "colour space %d with %d components has no RGB conversion",
                 (int)cinfo->jpeg_color_space, cinfo->num_components);
        return CJPEG_UNSUPPORTED;
    }
    jpeg_start_decompress(cinfo);

    uint32_t width = cinfo->output_width, height = cinfo->output_height;
    st->out->pixels = malloc((size_t)width * height * 3);
    if (cmyk) st->row = malloc((size_t)width * 4);
    if (!st->out->pixels || (cmyk && !st->row)) return CJPEG_OUT_OF_MEMORY;

    while (cinfo->output_scanline < height) {
        unsigned char *dest = st->out->pixels + (size_t)cinfo->output_scanline * width * 3;
        JSAMPROW target = cmyk ? st->row : dest;
        if (jpeg_read_scanlines(cinfo, &target, 1) != 1) {
            snprintf(st->out->message, CJPEG_MESSAGE_LENGTH, "no scanline %u returned",
                     (unsigned)cinfo->output_scanline);
            return CJPEG_CORRUPT;
        }
        if (cmyk) cmyk_row_to_rgb(st->row, dest, width, cinfo->saw_Adobe_marker);
    }
    jpeg_finish_decompress(cinfo);
    return CJPEG_OK;
}

cjpeg_status cjpeg_decode_rgb(const unsigned char *data, size_t size, uint64_t max_pixels,
                              cjpeg_image *out) {
    memset(out, 0, sizeof *out);
    struct decode_state *st = calloc(1, sizeof *st);
    if (!st) return CJPEG_OUT_OF_MEMORY;
    st->out = out;
    cjpeg_status status = decode_guarded(st, data, size, max_pixels);
    if (st->created) jpeg_destroy_decompress(&st->cinfo);
    free(st->row);
    if (status != CJPEG_OK) {
        free(out->pixels);
        out->pixels = NULL;
    }
    free(st);
    return status;
}

void cjpeg_free(unsigned char *pixels) { free(pixels); }
