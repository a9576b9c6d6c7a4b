import Foundation

/// Writing output files so that a failing or interrupted run never leaves a half-written file:
/// the bytes go to a temporary file in the same directory, which is then renamed over the target
/// (rename(2) within one file system is atomic). On any failure the temporary file is removed.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OutputError.directoryMissing(directory)
        }
        var template = Array((directory + "/." + url.lastPathComponent + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw OutputError.notWritable(directory, String(cString: strerror(errno))) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        var written = 0
        let writeFailed: Int32? = bytes.withUnsafeBytes { raw -> Int32? in
            while written < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += n
            }
            return nil
        }
        if let e = writeFailed {
            close(fd)
            throw OutputError.writeFailed(path, String(cString: strerror(e)))
        }
        fchmod(fd, 0o644)
        guard close(fd) == 0 else { throw OutputError.writeFailed(path, String(cString: strerror(errno))) }
        guard rename(temporary, path) == 0 else { throw OutputError.writeFailed(path, String(cString: strerror(errno))) }
        ok = true
    }

    /// Creates `directory` (and its parents) when missing; fails clearly when it is a file or not writable.
    public static func prepareDirectory(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw OutputError.notADirectory(directory) }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw OutputError.notWritable(directory, "cannot create it")
            }
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw OutputError.notWritable(directory, "permission denied")
        }
    }
}

public enum OutputError: Error, Equatable {
    case directoryMissing(String)
    case notADirectory(String)
    case notWritable(String, String)
    case writeFailed(String, String)
}

extension OutputError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case .directoryMissing(let d): return "output directory '\(d)' does not exist; create it or pass another --out"
        case .notADirectory(let d): return "output path '\(d)' is a file, not a directory; pass a directory to --out"
        case .notWritable(let d, let why): return "cannot write into '\(d)' (\(why)); pass a writable directory to --out"
        case .writeFailed(let p, let why): return "could not write '\(p)' (\(why)); check free space and permissions"
        }
    }
}
