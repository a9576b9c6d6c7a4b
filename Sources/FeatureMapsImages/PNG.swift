import CPNG

// The only Swift file that calls libpng (through the C shim in Sources/CPNG/shim.h, which keeps
// libpng's setjmp/longjmp inside C): PNGEncoder writes, PNGDecoding reads.

/// Encodes an RGBImage as a PNG file in memory (the caller writes it, atomically if it likes).
public enum PNGEncoder {
    /// An 8-bit RGB, non-interlaced PNG (zlib default level, libpng's adaptive filters) via
    /// cpng_encode_rgb (Sources/CPNG/shim.h). Each (key, value) becomes one text chunk before
    /// the image data, in the given order: tEXt when the value is ASCII, an uncompressed iTXt
    /// (UTF-8) otherwise. No tIME chunk is written, so equal input gives equal bytes.
    /// Keys follow the PNG keyword rules: 1-79 printable Latin-1 characters (32-126, 161-255)
    /// without leading, trailing or consecutive spaces. Values must not contain NUL.
    public static func encode(_ image: RGBImage, text: [(key: String, value: String)] = []) throws -> [UInt8] {
        let strings = try TextArena(text)
        guard let width = UInt32(exactly: image.width), let height = UInt32(exactly: image.height) else {
            throw ImageError.encodeFailed(width: image.width, height: image.height, detail: "dimensions above 2^32")
        }
        var result = cpng_buffer()
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            strings.withEntries { entries in
                cpng_encode_rgb(pixels.baseAddress, width, height, entries.baseAddress, Int32(entries.count), &result)
            }
        }
        defer { cpng_free(result.bytes) }
        switch status {
        case CPNG_OK:
            guard let bytes = result.bytes else {
                throw ImageError.encodeFailed(width: image.width, height: image.height, detail: "no output")
            }
            return Array(UnsafeBufferPointer(start: bytes, count: result.size))
        case CPNG_OUT_OF_MEMORY:
            throw ImageError.outOfMemory(source: "PNG encoder output", width: image.width, height: image.height)
        default:
            throw ImageError.encodeFailed(
                width: image.width, height: image.height, detail: string(fromCCharArray: result.message))
        }
    }
}

/// Validated keys and values as NUL-terminated C strings in one buffer, handed to C as
/// cpng_text_entry pointers that live for one `withEntries` call.
private struct TextArena {
    private var bytes: [CChar] = []
    private var entries: [(key: Int, value: Int, utf8: Bool)] = []

    init(_ text: [(key: String, value: String)]) throws {
        for (key, value) in text {
            let keyBytes = try Self.keyword(key)
            guard !value.utf8.contains(0) else { throw ImageError.invalidTextValue(key: key) }
            let ascii = value.utf8.allSatisfy { $0 < 0x80 }
            entries.append((key: bytes.count, value: bytes.count + keyBytes.count + 1, utf8: !ascii))
            bytes += keyBytes.map { CChar(bitPattern: $0) } + [0]
            bytes += value.utf8.map { CChar(bitPattern: $0) } + [0]
        }
    }

    /// `key` as Latin-1 bytes, or invalidTextKey when it breaks the PNG keyword rules.
    private static func keyword(_ key: String) throws -> [UInt8] {
        let scalars = key.unicodeScalars.map(\.value)
        let printable = scalars.allSatisfy { (32...126).contains($0) || (161...255).contains($0) }
        guard (1...79).contains(scalars.count), printable, scalars.first != 32, scalars.last != 32,
            !key.contains("  ")
        else { throw ImageError.invalidTextKey(key) }
        return scalars.map { UInt8($0) }
    }

    func withEntries<R>(_ body: (UnsafeBufferPointer<cpng_text_entry>) -> R) -> R {
        bytes.withUnsafeBufferPointer { arena in
            let list = entries.map { entry in
                cpng_text_entry(
                    key: arena.baseAddress! + entry.key, value: arena.baseAddress! + entry.value,
                    utf8: entry.utf8 ? 1 : 0)
            }
            return list.withUnsafeBufferPointer(body)
        }
    }
}


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
