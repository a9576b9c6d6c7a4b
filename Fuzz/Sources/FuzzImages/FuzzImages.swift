import FeatureMapsImages

/// The largest image the harness lets a decoder allocate: 4 megapixels (12 MB of RGB). Inputs
/// whose header claims more must be refused with ImageError.tooManyPixels before allocating.
let fuzzMaxPixels = 4_000_000

/// libFuzzer entry point: any bytes must give an RGBImage within the limit or an ImageError.

public func fuzzImages(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    do {
        let image = try ImageDecoder.decode(bytes, maxPixels: fuzzMaxPixels, source: "fuzz")
        precondition(image.width > 0 && image.height > 0, "decoded an empty image")
        precondition(image.width * image.height <= fuzzMaxPixels, "decoded beyond the pixel limit")
        precondition(image.pixels.count == image.width * image.height * 3, "pixel buffer size mismatch")
        // The EXIF orientation, when present, is applied by the decoder; the result is still in bounds.
    } catch let error as ImageError {
        // Every error must render as one line.
        let message = error.errorDescription ?? ""
        precondition(!message.isEmpty && !message.contains("\n"), "multi-line or empty error: \(message)")
    } catch {
        preconditionFailure("untyped error \(error)")
    }
    return 0
}
