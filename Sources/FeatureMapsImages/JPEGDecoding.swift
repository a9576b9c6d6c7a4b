import CJPEG

/// The only Swift file that calls CJPEG (Sources/CJPEG/cjpeg.c).
enum JPEGDecoding {
    /// Calls cjpeg_decode_rgb and turns each cjpeg_status into an ImageError.
    /// `bytes` must start with a JPEG signature; `maxPixels` >= 0.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, maxPixels: Int, source: String) throws -> RGBImage {
        var result = cjpeg_image()
        let status = cjpeg_decode_rgb(bytes.baseAddress, bytes.count, UInt64(maxPixels), &result)
        defer { cjpeg_free(result.pixels) }
        let width = Int(result.width)
        let height = Int(result.height)
        let detail = string(fromCCharArray: result.message)
        switch status {
        case CJPEG_OK:
            guard let pixels = result.pixels, width > 0, height > 0 else {
                throw ImageError.corruptData(source: source, format: .jpeg, detail: "no pixels decoded")
            }
            return RGBImage(
                width: width, height: height,
                pixels: Array(UnsafeBufferPointer(start: pixels, count: width * height * 3)))
        case CJPEG_TRUNCATED:
            throw ImageError.truncatedData(source: source, format: .jpeg, detail: detail)
        case CJPEG_TOO_MANY_PIXELS:
            throw ImageError.tooManyPixels(source: source, width: width, height: height, limit: maxPixels)
        case CJPEG_UNSUPPORTED:
            throw ImageError.unsupportedColorSpace(source: source, detail: detail)
        case CJPEG_OUT_OF_MEMORY:
            throw ImageError.outOfMemory(source: source, width: width, height: height)
        case CJPEG_CORRUPT:
            throw ImageError.corruptData(source: source, format: .jpeg, detail: detail)
        default:
            throw ImageError.corruptData(
                source: source, format: .jpeg, detail: "unknown cjpeg status \(status.rawValue)")
        }
    }
}
