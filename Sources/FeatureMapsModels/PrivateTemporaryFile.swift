import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file only this user can open, in a directory of its own: mkdtemp(3) makes
/// `$TMPDIR/featuremaps-model-XXXXXX` (mode 0700), mkstemp(3) the file inside it (mode 0600).
/// `remove()` unlinks both; KerasModelFile calls it on every path out, errors included.
struct PrivateTemporaryFile {
    let directory: String
    let path: String
    /// Open for writing; closed by `close()` or `remove()`.
    private(set) var fd: Int32

    /// `owner` names the model file in the error.
    init(name: String, owner: String) throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/featuremaps-model-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ModelError.temporaryFile(file: owner, reason: "mkdtemp in \(base): " + String(cString: strerror(errno)))
        }
        directory = String(cString: made)
        var fileTemplate = Array((directory + "/" + name + "-XXXXXX").utf8CString)
        let fd = mkstemp(&fileTemplate)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            rmdir(directory)
            throw ModelError.temporaryFile(file: owner, reason: "mkstemp: " + reason)
        }
        self.fd = fd
        path = fileTemplate.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    mutating func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    mutating func remove() {
        close()
        unlink(path)
        rmdir(directory)
    }
}
