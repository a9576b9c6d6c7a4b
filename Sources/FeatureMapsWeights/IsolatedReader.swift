#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import FeatureMapsEngine
import Foundation

/// Reads a Keras weights file in a child process, so that a crash inside libhdf5 on a malformed
/// file becomes `WeightsError.readerCrashed` instead of ending the caller.
///
/// Why: libhdf5 (1.10.8, Debian 12) trusts length fields of the file's metadata; fuzzing found
/// malformed files on which it reads out of bounds (e.g. H5HG_read copying a global-heap object
/// with a corrupt size while reading a variable-length string attribute). Those bugs are in the
/// library, not here; isolating the reader is the only fix that holds for every such bug.
///
/// Contract: the parent opens the file, then fork(2)s; the child silences its stderr, opens the
/// file with HDF5, finds every listed layer's arrays (KerasWeightsFile.manifest: contiguous
/// float32 arrays located, others read), writes that or the typed error to a pipe with
/// `WireFormat`, and leaves with _exit(0). The parent reads the pipe to its end, reaps the child,
/// decodes, and reads the located arrays from its own descriptor (WeightsManifest.resolve, which
/// checks that the child read the same file and that every range lies within it). A child
/// killed by a signal, or one that exits without a complete message, is `readerCrashed`; one
/// still running after `deadline` seconds (libhdf5 loops forever on some
/// malformed global heaps) is killed and reported as `readerTimedOut`. Nothing else about the
/// caller changes: no HDF5 call happens in the parent.
public enum IsolatedReader {
    /// Reading Keras's largest MobileNetV2 file takes well under a second.
    public static let defaultDeadline: Double = 30

    /// F_SETPIPE_SZ (Linux, <fcntl.h> with _GNU_SOURCE, which Swift's Glibc module does not define).
    private static let linuxSetPipeSize: Int32 = 1031

    public static func read(path: String, deadline: Double = defaultDeadline) throws -> KerasWeights {
        try read(path: path, deadline: deadline) { manifest, fd in try manifest.resolve(fd: fd, path: path) }
    }

    /// The child's manifest handed to `finish` with the parent's descriptor of the file (for
    /// WeightsManifest.resolve or resolveArrays): `read` for weights-only files, KerasStoredFile
    /// for model files.
    static func read<T>(path: String, deadline: Double, finish: (WeightsManifest, Int32) throws -> T) throws -> T {
        let file = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)  // a FIFO must not block the caller
        guard file >= 0 else { throw WeightsError.readerFailed(path: path, reason: lastError()) }
        defer { close(file) }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw WeightsError.readerFailed(path: path, reason: lastError()) }
        // A 1 MB pipe instead of 64 KB, for files whose arrays the child cannot locate (chunked,
        // compressed, float64): their values come through it, 14 MB at alpha 1.0, then in 14
        // wake-ups of the parent instead of 220. Failing, the default size works as before.
        _ = fcntl(fds[1], linuxSetPipeSize, Int32(1 << 20))
        let pid = fork()
        if pid < 0 {
            let reason = lastError()
            close(fds[0])
            close(fds[1])
            throw WeightsError.readerFailed(path: path, reason: reason)
        }
        if pid == 0 { runChild(path: path, output: fds[1], unusedInput: fds[0], deadline: deadline) }

        close(fds[1])
        // The message holds at most the file's values: the file's size is a first capacity that
        // is not grown (the mapping costs only the pages written, 20 KB for located arrays).
        var info = stat()
        let expected = fstat(file, &info) == 0 ? Int(info.st_size) + (1 << 16) : 1 << 20
        let message: ReceiveBuffer?
        do {
            message = try readToEnd(fds[0], deadline: deadline, expected: min(expected, 1 << 30))
        } catch {
            close(fds[0])
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            throw WeightsError.readerFailed(path: path, reason: "\(error)")
        }
        close(fds[0])
        defer { message?.release() }
        if message == nil { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw WeightsError.readerFailed(path: path, reason: lastError()) }
        }
        guard let message else { throw WeightsError.readerTimedOut(path: path, seconds: deadline) }
        let signal = status & 0x7F
        if signal != 0 { throw WeightsError.readerCrashed(path: path, signal: Int(signal)) }
        guard (status >> 8) & 0xFF == 0, let outcome = WireFormat.decode(message.bytes, path: path) else {
            throw WeightsError.readerCrashed(path: path, signal: 0)
        }
        return try finish(outcome.get(), file)
    }

    /// The same read in this process, with the same errors, every array read by HDF5.
    public static func readInProcess(path: String) throws -> KerasWeights {
        try manifest(path: path, locating: false).resolve(fd: nil, path: path)
    }

    /// What the child runs: KerasWeightsFile.manifest with HDF5's errors named by `path`.
    static func manifest(path: String, locating: Bool) throws -> WeightsManifest {
        let file: HDF5File
        do { file = try HDF5File(path: path) } catch { throw WeightsError.notHDF5(path: path) }
        do {
            return try KerasWeightsFile.manifest(file, locating: locating)
        } catch let e as HDF5Error {
            throw WeightsError.hdf5(path: path, e)
        }
    }

    /// The child: never returns.
    private static func runChild(path: String, output: Int32, unusedInput: Int32, deadline: Double) -> Never {
        close(unusedInput)
        let devNull = open("/dev/null", O_WRONLY)
        if devNull >= 0 { dup2(devNull, 2) }  // a crash report or library message must not reach the user
        // A crash must end the child at once: no Swift backtracer, no core file. (Seen in the
        // AddressSanitizer fuzz build: the backtracer started in a crashed child was left running,
        // orphaned; a plain build did not show it, but nothing is gained by running it there.)
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS] { Glibc.signal(signal, SIG_DFL) }
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)
        // If the parent dies before the deadline kills the child, an endless loop in libhdf5
        // still ends: the kernel stops the child after this much CPU time.
        var cpu = rlimit(rlim_cur: rlim_t(deadline.rounded(.up)) + 2, rlim_max: rlim_t(deadline.rounded(.up)) + 3)
        _ = setrlimit(Int32(RLIMIT_CPU.rawValue), &cpu)
        capAddressSpace()
        // Arrays the child reads itself (files not stored as Keras stores them: all their values)
        // come from one huge-page heap: page faults cost 2-3 us each on the development machines,
        // and 14 MB are 3,500 of them. The heap is only reserved here, not touched; the child exits after.
        var info = stat()
        if stat(path, &info) == 0, info.st_size > 0, info.st_size < 1 << 30 {
            ProcessTuning.preferLargeHeapPages(reserve: Int(info.st_size) + (4 << 20))
        }
        let outcome: Result<WeightsManifest, WeightsError>
        do {
            outcome = .success(try manifest(path: path, locating: true))
        } catch let e as WeightsError {
            outcome = .failure(e)
        } catch {
            outcome = .failure(.readerFailed(path: path, reason: "\(error)"))
        }
        _exit(WireFormat.encode(outcome, to: output) ? 0 : 1)
    }

    /// libhdf5 can be made to allocate gigabytes by a few corrupt bytes (fuzzing found a
    /// free-list allocation growing past 2 GB). The child caps its own address space at its
    /// size now plus `readerMemoryBudget`, so such a file fails there instead of eating the machine.
    private static func capAddressSpace() {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmSize:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return }
        var limit = rlimit(rlim_cur: rlim_t(kb * 1024 + readerMemoryBudget), rlim_max: rlim_t.max)
        _ = setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
    }


    /// Address space the reader child may add to what it inherits: 2 GB, eight times what the
    /// largest file allowed (KerasWeightsFile.maxValuesPerFile) needs.
    public static let readerMemoryBudget = 2 << 30

    /// Everything until end of file, or nil when `deadline` seconds pass first (poll(2)).
    private static func readToEnd(_ fd: Int32, deadline: Double, expected: Int) throws -> ReceiveBuffer? {
        let buffer = try ReceiveBuffer(capacity: expected)
        let end = monotonicSeconds() + deadline
        while true {
            let left = end - monotonicSeconds()
            if left <= 0 { buffer.release(); return nil }
            var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&waiting, 1, Int32(min(left * 1000, 60_000)) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            if buffer.spare < 1 << 16 {
                do { try buffer.grow() } catch { buffer.release(); throw error }
            }
            let n = Glibc.read(fd, buffer.base + buffer.count, buffer.spare)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return buffer }
            buffer.count += n
        }
    }

    /// The parent's copy of the message: one anonymous mapping asked for transparent huge pages (a
    /// page fault costs 2-3 us on the development machines; 14 MB in 4 KB pages were 3,500 of them),
    /// doubled when the message outgrows it. `release` unmaps it.
    final class ReceiveBuffer {
        private(set) var base: UnsafeMutableRawPointer
        private(set) var capacity: Int
        var count = 0

        struct OutOfMemory: Error, CustomStringConvertible {
            let bytes: Int
            var description: String { "could not map \(bytes) bytes to receive the weights (out of memory)" }
        }

        init(capacity: Int) throws {
            self.capacity = max(capacity, 1 << 20)
            base = try Self.map(self.capacity)
        }

        var spare: Int { capacity - count }
        var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

        func grow() throws {
            let bigger = try Self.map(capacity * 2)
            bigger.copyMemory(from: base, byteCount: count)
            munmap(base, capacity)
            base = bigger
            capacity *= 2
        }

        func release() {
            if capacity > 0 { munmap(base, capacity) }
            capacity = 0
            count = 0
        }

        private static func map(_ length: Int) throws -> UnsafeMutableRawPointer {
            guard let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
                throw OutOfMemory(bytes: length)
            }
            _ = madvise(p, length, MADV_HUGEPAGE)  // a hint: without THP, ordinary pages
            return p
        }
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
