/// The command line of the reader executable, `featuremaps-hdf5-reader`, as its caller
/// (FeatureMapsWeights' IsolatedReader) writes it and the reader reads it:
///
///     featuremaps-hdf5-reader --cpu-seconds N FILE
///
/// The reader writes one WireFormat message to its stdout (fd 1) and exits 0 when the message
/// was written (a manifest or a typed failure), 1 when writing it failed, and `usageStatus` for a
/// command line it does not understand (a reader of another featuremaps version, or a human).
package enum ReaderInvocation {
    /// The executable's name: the SwiftPM product `featuremaps-hdf5-reader`.
    package static let executableName = "featuremaps-hdf5-reader"
    /// The reader's exit status for a command line it does not understand (sysexits' EX_USAGE).
    package static let usageStatus: Int32 = 64
    /// Address space the reader may add to its size when it starts: 2 GB, eight times what the
    /// largest file allowed (KerasWeightsFile.maxValuesPerFile) needs. libhdf5 can be made to
    /// allocate gigabytes by a few corrupt bytes (fuzzing found a free-list allocation growing
    /// past 2 GB): such a file then fails inside the reader instead of eating the machine.
    package static let memoryBudget = 2 << 30

    /// CPU seconds the reader may use when its caller waits `deadline` seconds of wall time: the
    /// kernel then ends a libhdf5 endless loop even when the caller died before its deadline.
    package static func cpuSeconds(forDeadline deadline: Double) -> Int {
        Int(min(deadline, 1e6).rounded(.up)) + 2
    }

    /// argv[1...] for reading `path`.
    package static func arguments(path: String, cpuSeconds: Int) -> [String] {
        ["--cpu-seconds", String(cpuSeconds), path]
    }

    /// The file and CPU limit of `arguments` (argv[1...]), nil when they are not this form.
    package static func parse(_ arguments: [String]) -> (path: String, cpuSeconds: Int)? {
        guard arguments.count == 3, arguments[0] == "--cpu-seconds", let seconds = Int(arguments[1]), seconds > 0,
            !arguments[2].isEmpty
        else { return nil }
        return (arguments[2], seconds)
    }
}
