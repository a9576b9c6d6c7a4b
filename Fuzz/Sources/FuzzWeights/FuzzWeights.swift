#if canImport(Glibc)
import Glibc
#endif
import FeatureMapsEngine
import FeatureMapsWeights

/// HDF5 reads files by path: each input is written to one temporary file (in /dev/shm when it
/// exists, so no disk is touched) and loaded exactly as `--weights FILE` is.
let fuzzPath: String = {
    let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    return "\(dir)/featuremaps-fuzz-weights-\(getpid()).h5"
}()

/// FEATUREMAPS_FUZZ_IN_PROCESS=1 reads with HDF5 in this process (WeightsLoader.load(isolated:
/// false)), to find libhdf5's own crashes; by default the product path is fuzzed: the reader
/// program (this package's featuremaps-hdf5-reader, beside this fuzzer) is started for every
/// input (IsolatedReader) and a crash there must come back as a WeightsError.
let inProcess = getenv("FEATUREMAPS_FUZZ_IN_PROCESS").map { String(cString: $0) == "1" } ?? false

/// libFuzzer entry point: any bytes must give a loaded model or a WeightsError, never a crash.
/// The reader's deadline is 5 s, under libFuzzer's 10 s timeout, so a libhdf5 endless loop is
/// a WeightsError here as it is for users (after 30 s there).

public func fuzzWeights(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let fd = open(fuzzPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(fuzzPath)")
    var written = 0
    while written < size, let data {
        let n = write(fd, data + written, size - written)
        precondition(n > 0, "cannot write \(fuzzPath)")
        written += n
    }
    close(fd)
    do {
        let loaded = try WeightsLoader.load(path: fuzzPath, isolated: !inProcess, readerDeadline: 5)
        precondition(loaded.storedParameters > 0, "a model without parameters")
    } catch let error as WeightsError {
        let message = error.errorDescription ?? ""
        precondition(!message.isEmpty && !message.contains("\n"), "multi-line or empty error: \(message)")
    } catch {
        preconditionFailure("untyped error \(error)")
    }
    return 0
}
