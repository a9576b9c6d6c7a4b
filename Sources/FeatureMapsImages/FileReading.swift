#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// POSIX file reading for the decoders; every failure becomes ImageError.readFailed with
/// strerror's text.
enum FileReading {
    /// The whole content of the file at `path` (open(2), fstat(2) for a size hint, read(2)
    /// until end of file, retrying on EINTR). A directory fails with "Is a directory".
    static func readAll(path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(path) }

        var buffer = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var count = 0
        while true {
            if count == buffer.count {
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            let got = buffer.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + count, raw.count - count)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw failure(path)
            }
            if got == 0 { break }
            count += got
        }
        buffer.removeSubrange(count...)
        return buffer
    }

    private static func failure(_ path: String) -> ImageError {
        .readFailed(path: path, reason: String(cString: strerror(errno)))
    }
}
