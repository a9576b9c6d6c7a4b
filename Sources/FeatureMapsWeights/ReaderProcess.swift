import CSpawn
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A started reader process and the read end of the pipe on its stdout. Every raw process call
/// of the isolated reader is in this file (pipe2, posix_spawn, kill, waitpid); each failure
/// becomes a WeightsError on the spot.
///
/// Why posix_spawn and not fork: the caller may run threads (URLSession's, the engine's pool, a
/// library user's own), and a child made by fork without exec may touch only async-signal-safe
/// functions; Foundation and the Swift runtime are not (a lock held by another thread at the fork
/// stays held forever in the child: the reader deadlocked and was reported 30 s later as a
/// damaged file). posix_spawn runs a fresh program, which shares nothing with the caller.
struct ReaderProcess {
    let pid: pid_t
    /// The read end of the pipe on the reader's stdout, close-on-exec; the caller closes it.
    let output: Int32

    /// How a reader ended.
    enum End: Equatable {
        case exited(status: Int32)
        case killed(signal: Int32)
    }

    /// F_SETPIPE_SZ (Linux, <fcntl.h> with _GNU_SOURCE, which Swift's Glibc module does not define).
    private static let linuxSetPipeSize: Int32 = 1031

    /// Starts `executable` with `arguments` (argv[1...], no shell) for the weights file `path`
    /// (named in errors): stdin /dev/null, stdout the pipe, stderr /dev/null, every other
    /// descriptor closed (posix_spawn_file_actions_addclosefrom_np; where the C library lacks it,
    /// the descriptors this library opens are close-on-exec anyway), signal mask empty, every
    /// signal at its default action, and `environment` ("NAME=value") as its whole environment.
    static func start(_ executable: String, arguments: [String], environment: [String], path: String) throws -> ReaderProcess {
        var fds: [Int32] = [-1, -1]
        guard cspawn_pipe_cloexec(&fds) == 0 else { throw WeightsError.readerFailed(path: path, reason: lastError()) }
        // Above 0-2, so that the file actions below never overwrite one end with another.
        let (output, input) = (aboveStandardStreams(fds[0]), aboveStandardStreams(fds[1]))
        defer { close(input) }
        // A 1 MB pipe instead of 64 KB, for files whose arrays the reader cannot locate (chunked,
        // compressed, float64): their values come through it, 14 MB at alpha 1.0, then in 14
        // wake-ups of the caller instead of 220. Failing, the default size works as before.
        _ = fcntl(input, linuxSetPipeSize, Int32(1 << 20))

        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        var failure = posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        if failure == 0 { failure = posix_spawn_file_actions_adddup2(&actions, input, STDOUT_FILENO) }
        if failure == 0 { failure = posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0) }
        if failure == 0 {
            let closing = cspawn_add_close_from(&actions, STDERR_FILENO + 1)
            if closing != ENOSYS { failure = closing }
        }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        if failure == 0 { failure = posix_spawnattr_setsigmask(&attributes, &empty) }
        if failure == 0 { failure = posix_spawnattr_setsigdefault(&attributes, &all) }
        if failure == 0 { failure = posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) }

        guard failure == 0 else {
            close(output)
            throw WeightsError.readerFailed(path: path, reason: String(cString: strerror(failure)))
        }
        var pid: pid_t = 0
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        failure = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard failure == 0 else {
            close(output)
            throw WeightsError.readerNotStartable(executable: executable, reason: String(cString: strerror(failure)))
        }
        return ReaderProcess(pid: pid, output: output)
    }

    /// Ends the reader at once (SIGKILL: it holds nothing that needs a clean end). The caller
    /// still waits for it.
    func stop() { _ = kill(pid, SIGKILL) }

    /// Waits for the reader to end and reaps it (waitpid, retried on EINTR).
    func wait(path: String) throws -> End {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw WeightsError.readerFailed(path: path, reason: Self.lastError()) }
        }
        let signal = status & 0x7F
        return signal == 0 ? .exited(status: (status >> 8) & 0xFF) : .killed(signal: signal)
    }

    /// The environment a reader gets: none of the caller's, except what decides whether it can
    /// run and how libhdf5 opens files, as the caller's own process has it: LD_LIBRARY_PATH (where
    /// the caller's libhdf5 was found), HDF5_USE_FILE_LOCKING (file systems without locks), and
    /// the sanitizers' options (the fuzzing build). Swift's backtracer is off: a crash ends it at once.
    static func environment() -> [String] {
        let passed = ["LD_LIBRARY_PATH", "HDF5_USE_FILE_LOCKING", "ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"]
        return ["SWIFT_BACKTRACE=enable=no"] + passed.compactMap { name in getenv(name).map { "\(name)=\(String(cString: $0))" } }
    }

    /// `fd` itself when above 2; otherwise a close-on-exec duplicate above 2, `fd` closed.
    private static func aboveStandardStreams(_ fd: Int32) -> Int32 {
        guard fd <= STDERR_FILENO else { return fd }
        let moved = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1)
        guard moved >= 0 else { return fd }
        close(fd)
        return moved
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
