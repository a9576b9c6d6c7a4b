import Foundation
import FeatureMapsSupport

/// Every failure of FeatureMapsImages. Cases carry the offending values; all message text is in
/// `errorDescription`, one line that names the file or value and says what to do.
/// `source` is the file path, or the name the caller gave in-memory data.
public enum ImageError: Error, LocalizedError, Equatable, Sendable {
    /// The source holds zero bytes.
    case emptyFile(source: String)
    /// The first bytes match neither the JPEG nor the PNG signature; holds up to 8 of them.
    case unsupportedFormat(source: String, leadingBytes: [UInt8])
    /// The codec library rejected the data; `detail` is its own message.
    case corruptData(source: String, format: ImageFormat, detail: String)
    /// The data ends before the image does; `detail` is the library's message.
    case truncatedData(source: String, format: ImageFormat, detail: String)
    /// A JPEG colour space with no RGB conversion (e.g. two components); `detail` names it.
    case unsupportedColorSpace(source: String, detail: String)
    /// width * height is above the caller's limit. Raised from the header, before any
    /// image-sized allocation.
    case tooManyPixels(source: String, width: Int, height: Int, limit: Int)
    /// Allocating the decoded image (or the encoder's output) failed.
    case outOfMemory(source: String, width: Int, height: Int)
    /// The file could not be opened or read; `reason` is strerror's text.
    case readFailed(path: String, reason: String)
    /// A PNG text key that is not 1-79 printable Latin-1 characters without leading,
    /// trailing or consecutive spaces (the PNG keyword rules).
    case invalidTextKey(String)
    /// A PNG text value that contains a NUL character.
    case invalidTextValue(key: String)
    /// libpng refused to encode; `detail` is its message.
    case encodeFailed(width: Int, height: Int, detail: String)

    /// One line: control characters in paths and library messages are escaped.
    public var errorDescription: String? { escapingControlCharacters(message) }

    private var message: String {
        switch self {
        case let .emptyFile(source):
            return "\(source): the file is empty (0 bytes); pass a JPEG or PNG image"
        case let .unsupportedFormat(source, bytes):
            return "\(source): not a JPEG or PNG (starts with \(Self.describe(bytes))); "
                + "convert it to JPEG or PNG first"
        case let .corruptData(source, format, detail):
            return "\(source): corrupt \(format.rawValue) data (\(detail)); "
                + "re-export or re-download the image"
        case let .truncatedData(source, format, detail):
            return "\(source): truncated \(format.rawValue) data (\(detail)); "
                + "the file ends early, re-download or re-export it"
        case let .unsupportedColorSpace(source, detail):
            return "\(source): unsupported JPEG (\(detail)); convert it to an RGB or greyscale image"
        case let .tooManyPixels(source, width, height, limit):
            return "\(source): \(width)x\(height) is \(width * height) pixels, more than the limit of "
                + "\(limit); downscale the image first or raise the pixel limit"
        case let .outOfMemory(source, width, height):
            return "\(source): out of memory for a \(width)x\(height) image; "
                + "free memory or downscale the image first"
        case let .readFailed(path, reason):
            return "cannot read \(path): \(reason); check the path and its permissions"
        case let .invalidTextKey(key):
            return "PNG text key \"\(key)\" is invalid; use 1-79 printable Latin-1 characters "
                + "without leading, trailing or double spaces"
        case let .invalidTextValue(key):
            return "PNG text value for key \"\(key)\" contains a NUL character; remove it"
        case let .encodeFailed(width, height, detail):
            return "cannot encode a \(width)x\(height) PNG (\(detail)); "
                + "check the image size and the free memory"
        }
    }

    /// "47 49 46 38 39 61 \"GIF89a\"": hex, then the printable-ASCII reading ('.' elsewhere).
    static func describe(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { String(format: "%02X", $0) }.joined(separator: " ")
        let text = String(bytes.map { (32...126).contains($0) ? Character(UnicodeScalar($0)) : "." })
        return "\(hex) \"\(text)\""
    }
}
