// libpng's simplified API (png_image_*), which reports errors through return codes and
// png_image.message and needs no setjmp.
#include <png.h>
