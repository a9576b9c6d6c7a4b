#if canImport(Glibc)
import Glibc
#endif
import Foundation
import FeatureMapsModels

/// Each input is written to one file (in /dev/shm when it exists) and read exactly as a user's
/// model file is: KerasModelFile.read (zip or HDF5 by content; the archive's names, sizes and CRCs
/// with ZIPFoundation; the JSON; the weights through the reader child, from a private temporary
/// copy). Any bytes must give contents or a one-line ModelError, and leave no temporary file.
let fuzzDirectory: String = {
    let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    let directory = "\(base)/featuremaps-fuzz-models-\(getpid())"
    mkdir(directory, 0o700)
    mkdir(directory + "/tmp", 0o700)
    setenv("TMPDIR", directory + "/tmp", 1)
    return directory
}()

/// FEATUREMAPS_FUZZ_IN_PROCESS=1 reads HDF5 in this process (KerasModelFile.read(isolated: false)):
/// a crash then shows whose code it is (libhdf5's or ours).
let inProcess = getenv("FEATUREMAPS_FUZZ_IN_PROCESS").map { String(cString: $0) == "1" } ?? false
/// FEATUREMAPS_FUZZ_PRINT=1 prints each input's error (for replays: what did this input become?).
let printErrors = getenv("FEATUREMAPS_FUZZ_PRINT").map { String(cString: $0) == "1" } ?? false

public func fuzzModelArchive(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let path = fuzzDirectory + "/input.keras"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(path)")
    var written = 0
    while written < size, let data {
        let n = write(fd, data + written, size - written)
        precondition(n > 0, "cannot write \(path)")
        written += n
    }
    close(fd)
    do {
        _ = try KerasModelFile.read(path: path, isolated: !inProcess, readerDeadline: 5)
    } catch let error as ModelError {
        let message = error.errorDescription ?? ""
        precondition(!message.isEmpty && !message.contains("\n"), "multi-line or empty error: \(message)")
        if printErrors { FileHandle.standardError.write(Data("model-archive: \(message)\n".utf8)) }
    } catch {
        preconditionFailure("untyped error \(error)")
    }
    let left = (try? FileManager.default.contentsOfDirectory(atPath: fuzzDirectory + "/tmp")) ?? []
    precondition(left.isEmpty, "temporary files left: \(left)")
    return 0
}
