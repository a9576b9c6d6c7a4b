import FeatureMapsHDF5
import FeatureMapsProcessTuning
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// featuremaps-hdf5-reader: reads one Keras weights file with libhdf5 and writes what it found
/// (KerasWeightsFile.manifest, contiguous float32 arrays located, others read; for a model file
/// also its root attributes and vars groups, KerasModelFileWalk) or the typed
/// failure to stdout as one WireFormat message. FeatureMapsWeights' IsolatedReader starts it with
/// posix_spawn for every weights file, so that libhdf5's crashes and endless loops on malformed
/// files (fuzzing found both) end this process, not the caller. The command line and exit
/// statuses are ReaderInvocation's. Nothing here is for humans: stderr goes to /dev/null.
@main
enum ReaderMain {
    static func main() {
        guard let (path, cpuSeconds) = ReaderInvocation.parse(Array(CommandLine.arguments.dropFirst())) else {
            let usage =
                "usage: \(ReaderInvocation.executableName) --cpu-seconds N FILE (started by featuremaps; "
                + "writes a binary message to stdout)\n"
            _ = usage.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            exit(ReaderInvocation.usageStatus)
        }
        confine(cpuSeconds: cpuSeconds)
        // Arrays the reader reads itself (files not stored as Keras stores them: all their values)
        // come from one huge-page heap: page faults cost 2-3 us each on the development machines,
        // and 14 MB are 3,500 of them. The heap is only reserved here, not touched.
        var info = stat()
        if stat(path, &info) == 0, info.st_size > 0, info.st_size < 1 << 30 {
            ProcessTuning.preferLargeHeapPages(reserve: Int(info.st_size) + (4 << 20))
        }
        let outcome = KerasWeightsFile.manifest(path: path, locating: true)
        _exit(WireFormat.encode(outcome, to: STDOUT_FILENO) ? 0 : 1)
    }

    /// What a crash or a runaway libhdf5 may do here: nothing printed, no core file, no Swift
    /// backtracer (seen in the AddressSanitizer fuzz build: a backtracer started in a crashed
    /// reader was left running, orphaned), at most `cpuSeconds` of CPU time (the kernel stops an
    /// endless loop even when the caller died before its deadline), at most
    /// ReaderInvocation.memoryBudget more address space than now.
    static func confine(cpuSeconds: Int) {
        let devNull = open("/dev/null", O_WRONLY)
        if devNull >= 0 { dup2(devNull, STDERR_FILENO) }
        if devNull > STDERR_FILENO { close(devNull) }
        for number in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS] { _ = signal(number, SIG_DFL) }
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)
        var cpu = rlimit(rlim_cur: rlim_t(cpuSeconds), rlim_max: rlim_t(cpuSeconds) + 1)
        _ = setrlimit(Int32(RLIMIT_CPU.rawValue), &cpu)
        if let size = addressSpaceBytes() {
            var limit = rlimit(rlim_cur: rlim_t(size + ReaderInvocation.memoryBudget), rlim_max: rlim_t.max)
            _ = setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        }
    }

    /// VmSize of /proc/self/status in bytes; nil without /proc.
    static func addressSpaceBytes() -> Int? {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 8192), count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            count += n
        }
        let text = String(decoding: bytes[..<count], as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmSize:") }),
            let kb = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kb * 1024
    }
}
