/// The encodings ImageDecoder reads, recognised from the first bytes, never from a file name.
public enum ImageFormat: String, Equatable, Sendable {
    case jpeg = "JPEG"
    case png = "PNG"

    /// JPEG: FF D8 FF (start-of-image, then any marker). PNG: the 8-byte signature
    /// 89 50 4E 47 0D 0A 1A 0A. Anything else, or fewer bytes than the signature, is nil.
    public init?<Bytes: Collection>(sniffing bytes: Bytes) where Bytes.Element == UInt8 {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else {
            return nil
        }
    }
}
