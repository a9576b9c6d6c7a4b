#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import FeatureMapsEngine
import FeatureMapsHDF5

/// Reads a Keras weights file in a separate process, the reader executable
/// (`featuremaps-hdf5-reader`, located by ReaderExecutable), so that a crash inside libhdf5 on a
/// malformed file becomes `WeightsError.readerCrashed` instead of ending the caller.
///
/// Why: libhdf5 (1.10.8, Debian 12) trusts length fields of the file's metadata; fuzzing found
/// malformed files on which it reads out of bounds (e.g. H5HG_read copying a global-heap object
/// with a corrupt size while reading a variable-length string attribute) or loops forever. Those
/// bugs are in the library, not here; isolating the reader is the only fix that holds for every
/// such bug. The reader is a program of its own, started with posix_spawn (ReaderProcess), never
/// a fork of the caller: safe in a caller that runs threads.
///
/// Contract: the caller opens the file, then starts the reader with the path as its argument
/// (ReaderInvocation); the reader opens the file with HDF5, finds every listed layer's arrays
/// (KerasWeightsFile.manifest: contiguous float32 arrays located, others read) and writes that or
/// the typed failure to its stdout, a pipe, with `WireFormat`. The caller reads the pipe to its
/// end, reaps the reader, decodes, and reads the located arrays from its own descriptor
/// (WeightsManifest.resolve, which checks that the reader read the same file, by device and
/// inode, and that every range lies within it). A reader killed by a signal, or one that exits
/// without a complete message, is `readerCrashed`; one still running after `deadline` seconds
/// (libhdf5 loops forever on some malformed global heaps) is killed and reported as
/// `readerTimedOut`. Nothing else about the caller changes: no HDF5 call happens in it.
public enum IsolatedReader {
    /// Reading Keras's largest MobileNetV2 file takes well under a second.
    public static let defaultDeadline: Double = 30

    /// The weights of the file at `path`, read by the reader at `executable` (default:
    /// ReaderExecutable.locate(), which throws `readerNotFound` when there is none).
    public static func read(path: String, deadline: Double = defaultDeadline, executable: String? = nil) throws -> KerasWeights {
        try read(path: path, deadline: deadline, executable: executable) { manifest, fd in
            try manifest.resolve(fd: fd, path: path)
        }
    }

    /// The reader's manifest handed to `finish` with the caller's descriptor of the file (for
    /// WeightsManifest.resolve or resolveArrays): `read` for weights-only files, KerasStoredFile
    /// for model files.
    static func read<T>(
        path: String, deadline: Double, executable: String? = nil, finish: (WeightsManifest, Int32) throws -> T
    ) throws -> T {
        let reader = try executable ?? ReaderExecutable.locate()
        let file = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)  // a FIFO must not block the caller
        guard file >= 0 else { throw WeightsError.readerFailed(path: path, reason: String(cString: strerror(errno))) }
        defer { close(file) }
        let process = try ReaderProcess.start(
            reader, arguments: ReaderInvocation.arguments(path: path, cpuSeconds: ReaderInvocation.cpuSeconds(forDeadline: deadline)),
            environment: ReaderProcess.environment(), path: path)
        // The message holds at most the file's values: the file's size is a first capacity that
        // is not grown (the mapping costs only the pages written, 20 KB for located arrays).
        var info = stat()
        let expected = fstat(file, &info) == 0 ? Int(info.st_size) + (1 << 16) : 1 << 20
        let message: ReceiveBuffer?
        do {
            message = try ReceiveBuffer.readToEnd(process.output, deadline: deadline, expected: min(expected, 1 << 30))
        } catch {
            close(process.output)
            process.stop()
            _ = try? process.wait(path: path)
            throw WeightsError.readerFailed(path: path, reason: "\(error)")
        }
        close(process.output)
        defer { message?.release() }
        if message == nil { process.stop() }
        let end = try process.wait(path: path)
        guard let message else { throw WeightsError.readerTimedOut(path: path, seconds: deadline) }
        switch end {
        case .killed(let signal):
            throw WeightsError.readerCrashed(path: path, signal: Int(signal))
        case .exited(status: 0):
            break
        case .exited(status: ReaderInvocation.usageStatus):
            throw WeightsError.readerNotStartable(
                executable: reader,
                reason: "it refused its command line (exit status \(ReaderInvocation.usageStatus)): it is not the reader of this featuremaps")
        case .exited(status: let status) where status == 126 || status == 127:
            throw WeightsError.readerNotStartable(
                executable: reader, reason: "it could not run (exit status \(status): a shared library missing?)")
        case .exited:
            throw WeightsError.readerCrashed(path: path, signal: 0)
        }
        guard let outcome = WireFormat.decode(message.bytes) else { throw WeightsError.readerCrashed(path: path, signal: 0) }
        return try finish(outcome.mapError { WeightsError($0, path: path) }.get(), file)
    }

    /// The same read in this process, with the same errors, every array read by HDF5.
    public static func readInProcess(path: String) throws -> KerasWeights {
        try manifestInProcess(path: path).resolve(fd: nil, path: path)
    }

    /// The reader's manifest of `path` made in this process (every array read by HDF5), or the
    /// WeightsError naming the file.
    static func manifestInProcess(path: String) throws -> WeightsManifest {
        try KerasWeightsFile.manifest(path: path, locating: false).mapError { WeightsError($0, path: path) }.get()
    }
}
