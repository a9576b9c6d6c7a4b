import Crypto
import Foundation

/// SHA-256 digests as `sha256sum` prints them (lower-case hexadecimal), computed by swift-crypto
/// (apple/swift-crypto: BoringSSL's SHA-256 on Linux): the one place featuremaps hashes bytes.
public enum Digest {
    /// A running SHA-256: `update` with the bytes in any number of pieces, then `hex` once.
    public struct Running {
        private var hasher = SHA256()
        public init() {}
        public mutating func update(_ data: Data) { hasher.update(data: data) }
        public mutating func update(_ bytes: some Collection<UInt8>) { hasher.update(data: Data(bytes)) }
        public func hex() -> String { Digest.hex(hasher.finalize()) }
    }

    /// The digest of `bytes`.
    public static func hex(_ bytes: some Collection<UInt8>) -> String { hex(SHA256.hash(data: Data(bytes))) }

    /// The digest of the file at `path`, read in 1 MiB pieces.
    public static func hex(fileAt path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw WeightsError.unreadable(path: path) }
        defer { try? handle.close() }
        var running = Running()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch { throw WeightsError.unreadable(path: path) }
            if chunk.isEmpty { break }
            running.update(chunk)
        }
        return running.hex()
    }

    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}
