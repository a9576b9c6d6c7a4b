/// The EXIF orientation of a JPEG, read the way Pillow reads it for `ImageOps.exif_transpose`
/// (Pillow 13: JpegImagePlugin's APP1 handler, Image.Exif.load, TiffImagePlugin's IFD reader,
/// then the XMP fallback in Image.getexif). Pure Swift, no allocation beyond the APP1 payloads,
/// and defensive: any malformed, truncated or out-of-range structure means "no orientation"
/// (1), never a trap. Where Pillow itself would raise on malformed EXIF, 1 is returned too.
public enum EXIFOrientation {
    /// Orientation tag 0x0112 from IFD0 of the EXIF in `jpeg`, else `tiff:Orientation` from its
    /// XMP packet, else 1. Values outside 1...8 are returned as read (exif_transpose ignores them).
    /// - Segments are walked from SOI to the first SOS (or EOI): FF xx markers with a big-endian
    ///   length; fill bytes (FF FF ...) are skipped, standalone markers (RSTn, TEM) carry no length.
    /// - EXIF: every APP1 starting with "Exif\0\0"; the first gives the TIFF data, later ones are
    ///   appended to it without their 6-byte prefix (as Pillow does).
    /// - XMP: the first APP1 starting with "http://ns.adobe.com/xap/1.0/\0".
    public static func of(jpeg bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var exif: [UInt8]? = nil
        var xmp: ArraySlice<UInt8>? = nil
        for (marker, payload) in JPEGSegments(bytes) where marker == 0xE1 {
            if payload.starts(with: exifPrefix) {
                if exif == nil { exif = Array(payload) } else { exif! += payload.dropFirst(6) }
            } else if xmp == nil, payload.starts(with: xmpPrefix) {
                xmp = ArraySlice(payload.dropFirst(xmpPrefix.count))
            }
        }
        if let exif, let value = orientation(inEXIF: exif) { return value }
        if let xmp, let value = orientation(inXMP: xmp) { return value }
        return 1
    }

    static let exifPrefix: [UInt8] = Array("Exif".utf8) + [0, 0]
    static let xmpPrefix: [UInt8] = Array("http://ns.adobe.com/xap/1.0/".utf8) + [0]

    /// Tag 0x0112 of IFD0 in an APP1 EXIF payload (Pillow strips one or two "Exif\0\0" prefixes).
    /// nil when absent, not a single numeric value, or when the TIFF structure is malformed.
    static func orientation(inEXIF payload: [UInt8]) -> Int? {
        var start = 0
        for _ in 0..<2 where payload[start...].starts(with: exifPrefix) { start += 6 }
        let tiff = Array(payload[start...])
        guard tiff.count >= 8 else { return nil }
        let reader: TIFFReader
        switch (tiff[0], tiff[1], tiff[2], tiff[3]) {
        case (0x49, 0x49, 42, 0): reader = TIFFReader(bytes: tiff, bigEndian: false)  // "II*\0"
        case (0x4D, 0x4D, 0, 42): reader = TIFFReader(bytes: tiff, bigEndian: true)  // "MM\0*"
        default: return nil
        }
        guard let ifd = reader.uint32(at: 4).map(Int.init), let count = reader.uint16(at: ifd) else { return nil }
        var found: Int? = nil
        for index in 0..<Int(count) {
            let entry = ifd + 2 + 12 * index
            // Pillow reads the entry count, then each 12-byte entry; a short read is an error.
            guard let tag = reader.uint16(at: entry), let type = reader.uint16(at: entry + 2),
                let valueCount = reader.uint32(at: entry + 4), reader.has(entry + 8, 4)
            else { return nil }
            // Pillow skips entries of unknown type; later entries with the same tag replace
            // earlier ones, as in its dict. Several values (a tuple) never match 2...8.
            guard tag == 0x0112, TIFFReader.knownTypes.contains(type) else { continue }
            found = valueCount == 1 ? reader.number(type: type, field: entry + 8) : nil
        }
        return found
    }

    /// Pillow's fallback: the first `tiff:Orientation="N` or `tiff:Orientation>N` (N one digit).
    static func orientation(inXMP xmp: ArraySlice<UInt8>) -> Int? {
        let key = Array("tiff:Orientation".utf8)
        var i = xmp.startIndex
        while i + key.count + 1 < xmp.endIndex {
            if xmp[i..<(i + key.count)].elementsEqual(key) {
                var j = i + key.count
                if xmp[j] == UInt8(ascii: "=") && xmp[j + 1] == UInt8(ascii: "\"") {
                    j += 2
                } else if xmp[j] == UInt8(ascii: ">") {
                    j += 1
                } else {
                    i += 1
                    continue
                }
                if j < xmp.endIndex, (48...57).contains(xmp[j]) { return Int(xmp[j] - 48) }
            }
            i += 1
        }
        return nil
    }
}

/// Bounds-checked big- or little-endian reads in a TIFF block; every read outside it is nil.
struct TIFFReader {
    let bytes: [UInt8]
    let bigEndian: Bool
    /// TIFF 6 field types 1...12 (7 UNDEFINED and 2 ASCII never give a number).
    static let knownTypes: ClosedRange<UInt16> = 1...12

    func has(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= bytes.count - length
    }

    func uint16(at offset: Int) -> UInt16? {
        guard has(offset, 2) else { return nil }
        let a = UInt16(bytes[offset]), b = UInt16(bytes[offset + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func uint32(at offset: Int) -> UInt32? {
        guard let hi = uint16(at: bigEndian ? offset : offset + 2),
            let lo = uint16(at: bigEndian ? offset + 2 : offset)
        else { return nil }
        return UInt32(hi) << 16 | UInt32(lo)
    }

    /// The single value of an entry whose 4-byte value field is at `field`, as an Int when it
    /// equals one (Pillow compares the value with 2...8, so 6, 6/1 and 6.0 all count as 6).
    /// Values longer than 4 bytes are at the offset the field holds. Unknown types: nil.
    func number(type: UInt16, field: Int) -> Int? {
        switch type {
        case 1: return has(field, 1) ? Int(bytes[field]) : nil  // BYTE
        case 6: return has(field, 1) ? Int(Int8(bitPattern: bytes[field])) : nil  // SBYTE
        case 3: return uint16(at: field).map { Int($0) }  // SHORT
        case 8: return uint16(at: field).map { Int(Int16(bitPattern: $0)) }  // SSHORT
        case 4: return uint32(at: field).map { Int($0) }  // LONG
        case 9: return uint32(at: field).map { Int(Int32(bitPattern: $0)) }  // SLONG
        case 11: return uint32(at: field).flatMap { integral(Double(Float(bitPattern: $0))) }  // FLOAT
        case 5, 10, 12:  // RATIONAL, SRATIONAL, DOUBLE: 8 bytes at an offset
            guard let offset = uint32(at: field).map(Int.init), let a = uint32(at: offset),
                let b = uint32(at: offset + 4)
            else { return nil }
            if type == 12 {
                let bits = bigEndian ? UInt64(a) << 32 | UInt64(b) : UInt64(b) << 32 | UInt64(a)
                return integral(Double(bitPattern: bits))
            }
            let (n, d) =
                type == 5
                ? (Double(a), Double(b))
                : (Double(Int32(bitPattern: a)), Double(Int32(bitPattern: b)))
            return d == 0 ? nil : integral(n / d)
        default: return nil
        }
    }

    private func integral(_ v: Double) -> Int? {
        guard v.isFinite, v == v.rounded(), abs(v) < 2_147_483_648.0 else { return nil }
        return Int(v)
    }
}

/// The (marker, payload) segments of a JPEG from SOI up to the first SOS or EOI; stops quietly
/// at the first malformed or truncated segment.
struct JPEGSegments: Sequence, IteratorProtocol {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset = 2

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        if !(bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8) { offset = bytes.count }
    }

    mutating func next() -> (marker: UInt8, payload: Slice<UnsafeBufferPointer<UInt8>>)? {
        while offset < bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            var at = offset + 1
            while at < bytes.count && bytes[at] == 0xFF { at += 1 }  // fill bytes
            guard at < bytes.count else { return nil }
            let marker = bytes[at]
            if marker == 0xDA || marker == 0xD9 || marker == 0x00 { return nil }  // SOS, EOI, stuffed
            if (0xD0...0xD7).contains(marker) || marker == 0x01 {  // standalone: no length
                offset = at + 1
                continue
            }
            guard at + 2 < bytes.count else { return nil }
            let length = Int(bytes[at + 1]) << 8 | Int(bytes[at + 2])
            guard length >= 2, at + 1 + length <= bytes.count else { return nil }
            offset = at + 1 + length
            return (marker, bytes[(at + 3)..<(at + 1 + length)])
        }
        return nil
    }
}
