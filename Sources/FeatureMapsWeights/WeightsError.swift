import Foundation
import FeatureMapsEngine

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
    /// The isolated HDF5 reader (IsolatedReader) died: killed by `signal`, or (0) it ended
    /// without a complete answer. libhdf5 crashes on some malformed files.
    case readerCrashed(path: String, signal: Int)
    /// The isolated reader was still running after `seconds` and was killed (libhdf5 loops
    /// forever on some malformed files).
    case readerTimedOut(path: String, seconds: Double)
    /// The reader process could not be started (pipe/fork failed): `reason` is strerror's text.
    case readerFailed(path: String, reason: String)
    /// No file given and none in the places searched (in order).
    case noWeights(searched: [String])
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
            return "weights file '\(p)' is damaged: the HDF5 library had not finished reading it after \(Int(seconds)) s; get a fresh copy of the file"
        case .readerFailed(let p, let reason):
            return "weights file '\(p)' could not be read (\(reason)); check free memory and process limits, then try again"
        case .noWeights(let searched):
            return "no MobileNetV2 weights found (looked in: \(searched.joined(separator: ", "))); "
                + "pass --weights FILE or set FEATUREMAPS_WEIGHTS, or put Keras's "
                + "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5 into the Keras cache "
                + "(python -c \"import keras; keras.applications.MobileNetV2()\" downloads it there)"
        }
    }
}

extension HDF5Error {
    var detail: String {
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

/// `text` with control characters (and U+2028/U+2029) written as escapes (\n, \t, \u{1B}, ...), so a
/// message stays one line whatever a file name or a name read from a damaged file contains.
func escapingControlCharacters(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
