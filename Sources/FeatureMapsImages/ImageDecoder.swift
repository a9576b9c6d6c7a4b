import Foundation

/// Decodes JPEG and PNG to RGBImage, choosing the codec from the content (ImageFormat), never
/// from a file name. The output is what Pillow's `Image.open(p).convert('RGB')` gives (which is
/// what Keras' load_img feeds a model):
/// - PNG: exact. Alpha and tRNS are dropped, not composited (Pillow's convert('RGB') drops
///   them too); gAMA/iCCP/sRGB are ignored; 16-bit samples keep their high byte, except 16-bit
///   greyscale, which Pillow clamps to 0...255 (mode "I;16"); this is reproduced, so a 16-bit
///   grey PNG whose values exceed 255 comes out mostly white, exactly as in Keras.
/// - JPEG: libjpeg-turbo's decode; may differ from Pillow's bundled libjpeg by a level or two
///   (the tests allow 2). CMYK/YCCK follow the Adobe marker (inverted data when present);
///   Pillow always assumes Adobe-inverted CMYK, so the two differ only on CMYK JPEGs without
///   an Adobe APP14 marker. A JPEG that ends early is an error, as in Pillow.
/// - EXIF orientation: a JPEG whose EXIF (or XMP) orientation is 2...8 is turned upright as
///   Pillow's `ImageOps.exif_transpose` does (EXIFOrientation, Transpose), so a phone photo is
///   seen the way its viewer shows it. (Keras's load_img does not do this; a camera-rotated
///   photo fed to Keras directly lies on its side.)
public enum ImageDecoder {
    /// Pillow's DecompressionBombError threshold (2 * Image.MAX_IMAGE_PIXELS): what Pillow
    /// refuses to open is refused here too. An RGB8 image this large takes about 537 MB.
    public static let defaultMaxPixels = 178_956_970

    /// Decodes an in-memory JPEG or PNG. Images with more than `maxPixels` pixels are refused
    /// from their header, before any image-sized allocation. `source` names the data in errors.
    public static func decode(
        _ bytes: [UInt8], maxPixels: Int = defaultMaxPixels, source: String = "image data"
    ) throws -> RGBImage {
        try bytes.withUnsafeBufferPointer { try decode(buffer: $0, maxPixels: maxPixels, source: source) }
    }

    /// `decode(_:maxPixels:source:)` for Foundation `Data`, without copying it.
    public static func decode(
        _ data: Data, maxPixels: Int = defaultMaxPixels, source: String = "image data"
    ) throws -> RGBImage {
        try data.withUnsafeBytes { raw in
            try decode(buffer: raw.bindMemory(to: UInt8.self), maxPixels: maxPixels, source: source)
        }
    }

    /// Reads the whole file at `path` and decodes it; errors name `path`.
    public static func decode(contentsOfFile path: String, maxPixels: Int = defaultMaxPixels) throws -> RGBImage {
        let bytes = try FileReading.readAll(path: path)
        return try decode(bytes, maxPixels: maxPixels, source: path)
    }

    static func decode(buffer: UnsafeBufferPointer<UInt8>, maxPixels: Int, source: String) throws -> RGBImage {
        guard !buffer.isEmpty else { throw ImageError.emptyFile(source: source) }
        let limit = max(0, maxPixels)
        switch ImageFormat(sniffing: buffer) {
        case .jpeg:
            let image = try JPEGDecoding.decode(buffer, maxPixels: limit, source: source)
            guard let transpose = Transpose(exifOrientation: EXIFOrientation.of(jpeg: buffer)) else { return image }
            return transpose.apply(image)
        case .png:
            return try PNGDecoding.decode(buffer, maxPixels: limit, source: source)
        case nil:
            throw ImageError.unsupportedFormat(source: source, leadingBytes: Array(buffer.prefix(8)))
        }
    }
}
