// Placeholder until the JPEG shim lands; delete then.
#include "cjpeg.h"
