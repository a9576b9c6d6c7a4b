/// Reading and writing raw PNG chunks in tests (length, type, data, CRC-32).
enum PNGChunks {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The chunks after the signature, in file order; nil when the layout is broken.
    static func parse(_ bytes: [UInt8]) -> [(type: String, data: [UInt8])]? {
        guard bytes.starts(with: signature) else { return nil }
        var chunks: [(type: String, data: [UInt8])] = []
        var at = 8
        while at + 12 <= bytes.count {
            let length = Int(bigEndian32(bytes, at))
            guard at + 12 + length <= bytes.count else { return nil }
            let type = String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self)
            chunks.append((type, Array(bytes[(at + 8)..<(at + 8 + length)])))
            guard bigEndian32(bytes, at + 8 + length) == crc32(Array(bytes[(at + 4)..<(at + 8 + length)])) else {
                return nil
            }
            at += 12 + length
        }
        return at == bytes.count ? chunks : nil
    }

    /// One encoded chunk with its CRC.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndianBytes(UInt32(data.count)) + body + bigEndianBytes(crc32(body))
    }

    /// The PNG CRC-32 (ISO 3309, reflected polynomial 0xEDB88320).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func bigEndianBytes(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func bigEndian32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        bytes[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
