import Foundation
import ZIPFoundation

/// The zip archive of a `.keras` file (keras/src/saving/saving_lib.py, `_save_model_to_fileobj`):
/// `metadata.json`, `config.json`, `model.weights.h5` (stored by Keras, deflated accepted), and
/// maybe `assets/`, which is not read. Nothing in the archive reaches the file system under its own
/// name: config and metadata are read into memory, the weights into a private temporary file.
///
/// Hostile archives: an entry name with a `..` component, an absolute path or a backslash is refused
/// (for every entry, used or not), as is a name used twice among the three read. Each entry has a cap
/// (and the three together one), checked against the size its central directory declares before
/// anything is inflated; while inflating, the real bytes may not pass the declared size (nor the cap):
/// a zip bomb whose headers lie stops there, having held one 64 KB buffer plus what was kept. The
/// byte count and CRC-32 must then match the header (as unzip checks them).
struct KerasArchive {
    struct Limits: Sendable {
        var metadata = 1 << 20
        var config = 64 << 20
        var weights = 2 << 30
        /// All three together.
        var total = (2 << 30) + (65 << 20)
        /// Entries listed in the central directory (Keras writes 3 plus its assets).
        var entries = 1 << 16
    }

    static let metadataName = "metadata.json", configName = "config.json", weightsName = "model.weights.h5"

    let path: String
    let limits: Limits
    private let archive: Archive
    private let entries: [String: Entry]
    /// Bytes inflated so far, against `limits.total`.
    private var inflated = 0

    /// Opens the archive and checks every entry's name (ZIPFoundation's `Archive(url:accessMode:)`).
    init(path: String, limits: Limits = Limits()) throws {
        self.path = path
        self.limits = limits
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ModelError.notZip(file: path)
        }
        var found: [String: Entry] = [:], count = 0
        for entry in archive {
            count += 1
            guard count <= limits.entries else { throw ModelError.entryTooLarge(file: path, entry: "the entry list", limit: limits.entries) }
            let name = entry.path
            guard Self.isSafe(name) else { throw ModelError.unsafeEntryName(file: path, entry: name) }
            if [Self.metadataName, Self.configName, Self.weightsName].contains(name) {
                guard found[name] == nil else { throw ModelError.duplicateEntry(file: path, entry: name) }
                found[name] = entry
            }
        }
        entries = found
    }

    /// No `..` component, not absolute, no backslash (Windows separators), no NUL.
    static func isSafe(_ name: String) -> Bool {
        !name.hasPrefix("/") && !name.contains("\\") && !name.contains("\0")
            && !name.split(separator: "/", omittingEmptySubsequences: false).contains("..")
    }

    func has(_ name: String) -> Bool { entries[name] != nil }

    /// The whole entry in memory, at most `limit` bytes.
    mutating func data(_ name: String, limit: Int) throws -> Data {
        var data = Data()
        try inflate(name, limit: limit) { chunk in data.append(chunk) }
        return data
    }

    /// The weights entry copied to `fd` (a private temporary file).
    mutating func copyWeights(to fd: Int32) throws {
        let path = self.path
        try inflate(Self.weightsName, limit: limits.weights) { chunk in
            try chunk.withUnsafeBytes { raw in
                var written = 0
                while written < raw.count {
                    let n = write(fd, raw.baseAddress! + written, raw.count - written)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { throw ModelError.temporaryFile(file: path, reason: String(cString: strerror(errno))) }
                    written += n
                }
            }
        }
    }

    /// Streams entry `name` through `consume` in chunks (ZIPFoundation's `extract(_:consumer:)`),
    /// stopping with `entryTooLarge` as soon as the real bytes pass `limit` or the archive's total.
    private mutating func inflate(_ name: String, limit: Int, _ consume: (Data) throws -> Void) throws {
        guard let entry = entries[name] else { throw ModelError.entryMissing(file: path, entry: name) }
        guard entry.type == .file else { throw ModelError.entryDamaged(file: path, entry: name, reason: "not a file entry") }
        let capped = min(limit, limits.total - inflated)
        guard entry.uncompressedSize <= UInt64(max(capped, 0)) else {
            throw ModelError.entryTooLarge(file: path, entry: name, limit: limit)
        }
        var count = 0
        let declared = Int(entry.uncompressedSize), path = self.path
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { chunk in
                count += chunk.count
                guard count <= capped else { throw ModelError.entryTooLarge(file: path, entry: name, limit: limit) }
                guard count <= declared else {
                    throw ModelError.entryDamaged(
                        file: path, entry: name,
                        reason: "it inflates past the \(declared) bytes its header declares: a zip bomb?")
                }
                try consume(chunk)
            }
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError.entryDamaged(file: path, entry: name, reason: Self.describe(error))
        }
        inflated += count
        guard UInt64(count) == entry.uncompressedSize else {
            throw ModelError.entryDamaged(file: path, entry: name, reason: "\(count) bytes where its header says \(entry.uncompressedSize)")
        }
        guard checksum == entry.checksum else { throw ModelError.entryDamaged(file: path, entry: name, reason: "CRC-32 mismatch") }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case let e as Archive.ArchiveError: return "zip: \(e)"
        default: return "\(error)"
        }
    }
}
