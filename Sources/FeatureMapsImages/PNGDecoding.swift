import CPNG

/// The Swift side of PNG decoding: calls cpng_decode_rgb (Sources/CPNG/shim.h).
enum PNGDecoding {
    /// Calls cpng_decode_rgb and turns each cpng_status into an ImageError.
    /// `bytes` must start with the PNG signature; `maxPixels` >= 0.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, maxPixels: Int, source: String) throws -> RGBImage {
        var result = cpng_image()
        let status = cpng_decode_rgb(bytes.baseAddress, bytes.count, UInt64(maxPixels), &result)
        defer { cpng_free(result.pixels) }
        let width = Int(result.width)
        let height = Int(result.height)
        let detail = string(fromCCharArray: result.message)
        switch status {
        case CPNG_OK:
            guard let pixels = result.pixels, width > 0, height > 0 else {
                throw ImageError.corruptData(source: source, format: .png, detail: "no pixels decoded")
            }
            return RGBImage(
                width: width, height: height,
                pixels: Array(UnsafeBufferPointer(start: pixels, count: width * height * 3)))
        case CPNG_TRUNCATED:
            throw ImageError.truncatedData(source: source, format: .png, detail: detail)
        case CPNG_TOO_MANY_PIXELS:
            throw ImageError.tooManyPixels(source: source, width: width, height: height, limit: maxPixels)
        case CPNG_OUT_OF_MEMORY:
            throw ImageError.outOfMemory(source: source, width: width, height: height)
        case CPNG_CORRUPT:
            throw ImageError.corruptData(source: source, format: .png, detail: detail)
        default:
            throw ImageError.corruptData(
                source: source, format: .png, detail: "unknown cpng status \(status.rawValue)")
        }
    }
}
