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

    /// Reads a little-endian float32 C-order `.npy` (version 1.0 or 2.0): (shape, values).
    /// Used by tests to read reference outputs that NumPy wrote.
    public static func decodeFloat32(_ bytes: [UInt8]) throws -> (shape: [Int], values: [Float]) {
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw NPYError.notNPY
        }
        let major = bytes[6]
        let (headerStart, headerLength) =
            major == 1
            ? (10, Int(bytes[8]) | Int(bytes[9]) << 8)
            : (12, Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24)
        guard bytes.count >= headerStart + headerLength else { throw NPYError.truncated }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False"),
            let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")")
        else { throw NPYError.unsupported(header) }
        let shape = header[open.upperBound..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        let count = shape.reduce(1, *)
        let data = headerStart + headerLength
        guard bytes.count == data + 4 * count else { throw NPYError.truncated }
        let values = (0..<count).map { i -> Float in
            let o = data + 4 * i
            return Float(
                bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16
                    | UInt32(bytes[o + 3]) << 24)
        }
        return (shape, values)
    }
}

public enum NPYError: Error, Equatable {
    case notNPY
    case truncated
    case unsupported(String)
}
