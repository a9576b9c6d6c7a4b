import Foundation
import FeatureMapsEngine

/// NumPy's `.npy` format, version 1.0 (numpy/lib/format.py): magic "\x93NUMPY", version 1.0,
/// a little-endian UInt16 header length, an ASCII dict header padded with spaces and ended by
/// "\n" so that the data starts on a 64-byte boundary, then the raw little-endian data.
public enum NPY {
    /// A float32 array of shape (H, W, C) in C order, what `numpy.load` returns for a layer.
    public static func encode(_ t: Tensor) -> [UInt8] {
        encode(float32: t.data, shape: [t.height, t.width, t.channels])
    }

    public static func encode(float32 values: [Float], shape: [Int]) -> [UInt8] {
        precondition(shape.reduce(1, *) == values.count, "npy shape does not match the value count")
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(dims), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        out += [UInt8(length & 0xFF), UInt8(length >> 8)]
        out += Array(header.utf8)
        out.reserveCapacity(out.count + values.count * 4)
        for v in values {
            let bits = v.bitPattern.littleEndian
            out += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
        }
        return out
    }

    /// Reads a little-endian float32 C-order `.npy` (version 1.0, 2.0 or 3.0): (shape, values).
    /// Anything else (another dtype, Fortran order, a shape that overflows or holds more than
    /// `maxValues`, a size that does not match the bytes) throws NPYError; a user's file may be
    /// anything.
    public static func decodeFloat32(_ bytes: [UInt8], maxValues: Int = 1 << 28) throws -> (shape: [Int], values: [Float]) {
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw NPYError.notNPY
        }
        let major = bytes[6]
        guard (1...3).contains(major) else { throw NPYError.unsupported("format version \(major)") }
        guard major == 1 || bytes.count >= 12 else { throw NPYError.truncated }
        let (headerStart, headerLength) =
            major == 1
            ? (10, Int(bytes[8]) | Int(bytes[9]) << 8)
            : (12, Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24)
        guard bytes.count >= headerStart + headerLength else { throw NPYError.truncated }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = field("descr", in: header) else { throw NPYError.unsupported(header) }
        guard descr == "'<f4'" else { throw NPYError.unsupported("dtype \(descr), not float32 ('<f4')") }
        guard field("fortran_order", in: header) == "False" else { throw NPYError.unsupported("Fortran order") }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw NPYError.unsupported(header)
        }
        var shape: [Int] = []
        for part in header[open.upperBound..<close].split(separator: ",") {
            let text = part.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let d = Int(text), d >= 0 else { throw NPYError.unsupported("shape entry \(text)") }
            shape.append(d)
        }
        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= maxValues else { throw NPYError.tooLarge(shape: shape, limit: maxValues) }
            count = p
        }
        let data = headerStart + headerLength
        guard bytes.count == data + 4 * count else { throw NPYError.truncated }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { raw in out.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[data..<(data + 4 * count)])) }
        }
        if UInt32(1).littleEndian != 1 { values = values.map { Float(bitPattern: $0.bitPattern.byteSwapped) } }
        return (shape, values)
    }

    /// The text of `'key': value` in a header dict, up to the next comma.
    static func field(_ key: String, in header: String) -> String? {
        guard let r = header.range(of: "'\(key)': ") else { return nil }
        return header[r.upperBound...].prefix { $0 != "," && $0 != "}" }.trimmingCharacters(in: .whitespaces)
    }
}

public enum NPYError: Error, Equatable {
    case notNPY
    case truncated
    case unsupported(String)
    case tooLarge(shape: [Int], limit: Int)

    /// The reason, for a message that names the file.
    public var reason: String {
        switch self {
        case .notNPY: return "not a NumPy .npy file"
        case .truncated: return "its size does not match its header (truncated or damaged)"
        case .unsupported(let what): return "unsupported: \(what)"
        case .tooLarge(let shape, let limit): return "shape \(shape) holds more than \(limit) values"
        }
    }
}
