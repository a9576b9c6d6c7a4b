import Foundation
import FeatureMapsEngine
import FeatureMapsSupport
import FeatureMapsHDF5

/// Every way loading weights can fail, each naming the file and what to do.
public enum WeightsError: Error, Equatable, Sendable {
    case notFound(path: String)
    case isDirectory(path: String)
    case unreadable(path: String)
    case empty(path: String)
    /// Not an HDF5 file at all (or a truncated one).
    case notHDF5(path: String)
    /// HDF5, but not Keras's weights layout (no layer_names).
    case notKerasLayout(path: String)
    case hdf5(path: String, HDF5Error)
    /// The file is Keras's layout but does not match MobileNetV2.
    case architecture(path: String, EngineError)
    /// The HDF5 reader process (IsolatedReader) died: killed by `signal`, or (0) it ended
    /// without a complete answer. libhdf5 crashes on some malformed files.
    case readerCrashed(path: String, signal: Int)
    /// The reader process was still running after `seconds` and was killed (libhdf5 loops
    /// forever on some malformed files; a very busy machine can also be that slow).
    case readerTimedOut(path: String, seconds: Double)
    /// Reading failed for a reason outside the file (a pipe, memory, a process limit): `reason`
    /// is strerror's text or the reader's own.
    case readerFailed(path: String, reason: String)
    /// The reader executable is not where it is looked for (ReaderExecutable): each entry says
    /// where it looked and why there.
    case readerNotFound(searched: [String])
    /// The reader executable exists but did not run as the reader: posix_spawn failed on it, or
    /// it refused its command line, or it could not load (`reason`).
    case readerNotStartable(executable: String, reason: String)
    /// The file was replaced, shortened or grown over its weights while it was read.
    case changedWhileReading(path: String)
    /// No file given and none in the places searched (in order).
    case noWeights(searched: [String])
    /// Not in the Keras cache at `path`, and downloading is off; `why`: "--offline" or "FEATUREMAPS_OFFLINE=1".
    case offline(path: String, why: String)
    /// A width or resolution Keras publishes no weights for.
    case unknownAlpha(String)
    case unknownRows(Int)
    /// An environment variable whose value cannot be used; `expected` says what would be.
    case badSetting(name: String, value: String, expected: String)
    /// The Keras cache directory cannot be created or written.
    case cacheNotWritable(directory: String, reason: String)
    /// The transfer from `url` failed; nothing was saved in `directory`.
    case downloadFailed(url: String, DownloadFailure, directory: String)
    /// The file from `url` arrived whole but is not the weights it should be; nothing was saved.
    case downloadRejected(url: String, reason: String, directory: String)
    /// The file from `url` has another SHA-256 than the one known for it; nothing was saved.
    case checksumMismatch(url: String, expected: String, found: String, directory: String)
}

extension WeightsError: LocalizedError {
    /// One line: control characters in paths and in names read from the file are escaped.
    public var errorDescription: String? { escapingControlCharacters(message) }

    private var message: String {
        switch self {
        case .notFound(let p):
            return "weights file '\(p)' does not exist; check the path given by --weights or FEATUREMAPS_WEIGHTS"
        case .isDirectory(let p):
            return "weights path '\(p)' is a directory; give the .h5 file inside it"
        case .unreadable(let p):
            return "weights file '\(p)' cannot be read (permissions?); make it readable or copy it elsewhere"
        case .empty(let p):
            return "weights file '\(p)' is empty (an interrupted download?); get the file again"
        case .notHDF5(let p):
            return "weights file '\(p)' is not an HDF5 file (or is truncated); give a Keras .h5 weights file"
        case .notKerasLayout(let p):
            return "weights file '\(p)' is HDF5 but not in Keras's weights layout (no layer_names attribute); "
                + "give a file written by Keras's save_weights, such as mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"
        case .hdf5(let p, let e):
            return "weights file '\(p)' could not be read: \(e.detail); the file may be damaged, get a fresh copy"
        case .architecture(let p, let e):
            return "weights file '\(p)': \(e.localizedDescription)"
        case .readerCrashed(let p, let signal):
            let how = signal == 0 ? "stopped without an answer" : "crashed (signal \(signal))"
            return "weights file '\(p)' is damaged: the HDF5 library \(how) reading it; get a fresh copy of the file"
        case .readerTimedOut(let p, let seconds):
            return "reading weights file '\(p)' timed out: the HDF5 reader had not finished after \(DownloadFailure.seconds(seconds)) s "
                + "and was stopped; if the machine was very busy, try again; otherwise the file is malformed in a way that "
                + "makes libhdf5 loop: get a fresh copy of the file"
        case .readerFailed(let p, let reason):
            return "weights file '\(p)' could not be read (\(reason)); check free memory and process limits, then try again"
        case .readerNotFound(let searched):
            return "the weights reader program \(ReaderExecutable.name) was not found (looked for \(searched.joined(separator: ", "))); "
                + "build it with 'swift build --product \(ReaderExecutable.name)' (with -c release it lands in .build/release "
                + "beside featuremaps, as Scripts/build-release does) and keep it beside this program, "
                + "or set \(ReaderExecutable.variable) to its absolute path"
        case .readerNotStartable(let executable, let reason):
            return "the weights reader program '\(executable)' could not be run: \(reason); rebuild it with "
                + "'swift build --product \(ReaderExecutable.name)', or point \(ReaderExecutable.variable) at this build's reader"
        case .changedWhileReading(let p):
            return "weights file '\(p)' changed while it was being read; wait until whatever writes it has finished, then try again"
        case .noWeights(let searched):
            return "no MobileNetV2 weights found (looked in: \(searched.joined(separator: ", "))); "
                + "pass --weights FILE or set FEATUREMAPS_WEIGHTS, or put Keras's "
                + "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5 into the Keras cache "
                + "(featuremaps weights fetch downloads it there)"
        case .offline(let path, let why):
            let name = (path as NSString).lastPathComponent, directory = (path as NSString).deletingLastPathComponent
            return "no weights at \(path) and downloading is off (\(why)); pass --weights FILE, set FEATUREMAPS_WEIGHTS, "
                + "or copy Keras's \(name) into \(directory) (featuremaps weights fetch downloads it where the network is reachable)"
        case .unknownAlpha(let a):
            return "alpha '\(a)' has no Keras weights; use one of \(WeightsVariant.alphas.joined(separator: ", "))"
        case .unknownRows(let r):
            return "rows \(r) has no Keras weights; use one of \(WeightsVariant.rowsValues.map(String.init).joined(separator: ", "))"
        case .badSetting(let name, let value, let expected):
            return "\(name)='\(value)' cannot be used: \(expected); fix or unset it"
        case .cacheNotWritable(let directory, let reason):
            return "cannot save weights in the Keras cache \(directory) (\(reason)); make it writable, set KERAS_HOME "
                + "to a writable folder, or pass --weights FILE"
        case .downloadFailed(let url, let failure, let directory):
            return "downloading \(url) failed: \(failure.detail); \(failure.advice); nothing was saved in \(directory)"
        case .downloadRejected(let url, let reason, let directory):
            return "the file downloaded from \(url) is not usable: \(reason); check FEATUREMAPS_WEIGHTS_URL "
                + "(a mirror must serve Keras's own files); nothing was saved in \(directory)"
        case .checksumMismatch(let url, let expected, let found, let directory):
            return "the file downloaded from \(url) has SHA-256 \(found), expected \(expected): it is damaged or not "
                + "the official file; try again or check the mirror; nothing was saved in \(directory)"
        }
    }
}

extension WeightsError {
    /// What is wrong with a file, without its path: for a downloaded file whose path is temporary.
    var problem: String {
        switch self {
        case .empty: return "it is empty"
        case .notHDF5: return "it is not an HDF5 file (or is truncated)"
        case .notKerasLayout: return "it is HDF5 but not in Keras's weights layout (no layer_names attribute)"
        case .hdf5(_, let e): return e.detail
        case .architecture(_, let e): return e.localizedDescription
        default: return localizedDescription
        }
    }
}

extension DownloadFailure {
    var detail: String {
        switch self {
        case .httpStatus(let status):
            let reason = HTTPStatusText.reason(status)
            return "the server answered HTTP \(status)" + (reason.isEmpty ? "" : " (\(reason))")
        case .timedOut(let seconds):
            return "nothing arrived for \(Self.seconds(seconds)) s"
        case .cutShort(let received, let expected):
            return "the connection ended after \(received) bytes" + (expected.map { " of \($0)" } ?? "")
        case .connection(let message): return message
        case .writeFailed(let message): return "could not write the temporary file (\(message))"
        }
    }

    var advice: String {
        switch self {
        case .httpStatus(404): return "the file is not there: check FEATUREMAPS_WEIGHTS_URL and the requested variant"
        case .httpStatus: return "check FEATUREMAPS_WEIGHTS_URL or try again later"
        case .timedOut: return "check the network, or raise FEATUREMAPS_DOWNLOAD_TIMEOUT (seconds)"
        case .cutShort: return "try again"
        case .connection: return "check the network and FEATUREMAPS_WEIGHTS_URL"
        case .writeFailed: return "free some disk space or set KERAS_HOME to another folder"
        }
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(s)
    }
}

/// The standard reason phrases of the statuses a weights host is likely to answer.
enum HTTPStatusText {
    static func reason(_ status: Int) -> String {
        [
            301: "Moved Permanently", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 410: "Gone", 429: "Too Many Requests", 500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
        ][status] ?? ""
    }
}

extension HDF5Error {
    package var detail: String {
        switch self {
        case .openFailed(let path): return "cannot open \(path)"
        case .callFailed(let function, let object): return "\(function) failed on \(object)"
        case .notFound(let object): return "\(object) is missing"
        case .unsupportedType(let object, let detail): return "\(object) is \(detail)"
        case .tooLarge(let object, let shape, let limit):
            return "\(object) claims shape (\(shape.joined(separator: ", "))), more than the limit of \(limit) values"
        }
    }
}
