import Foundation
import FeatureMapsSupport
import FeatureMapsWeights

/// Every way reading a Keras model file can fail. Each message is one line naming the file, the
/// layer (qualified name and class) when there is one, and what to do.
public enum ModelError: Error, Equatable, Sendable {
    /// A layer named by its qualified name and class, for messages.
    public struct Layer: Equatable, Sendable {
        public let name: String
        public let className: String
        public init(_ name: String, _ className: String) {
            self.name = name
            self.className = className
        }
    }

    case notFound(file: String)
    case isDirectory(file: String)
    case unreadable(file: String, reason: String)
    case empty(file: String)
    /// Neither a zip archive (`.keras`) nor HDF5 (`.h5`): `start` is its first bytes, escaped.
    case unknownFormat(file: String, start: String)
    /// A `.keras` file ZIPFoundation cannot read as a zip archive.
    case notZip(file: String)
    case unsafeEntryName(file: String, entry: String)
    case duplicateEntry(file: String, entry: String)
    case entryMissing(file: String, entry: String)
    /// An entry that inflates (or says it inflates) to more than `limit` bytes; `total` for the archive.
    case entryTooLarge(file: String, entry: String, limit: Int)
    case entryDamaged(file: String, entry: String, reason: String)
    /// The private temporary copy of model.weights.h5 could not be made.
    case temporaryFile(file: String, reason: String)
    /// The HDF5 reader's failure on the file (`entry` nil) or on an entry of the archive.
    case hdf5(file: String, entry: String?, WeightsError)
    case notJSON(file: String, entry: String, reason: String)
    case notKerasConfig(file: String, entry: String, reason: String)
    case unsupportedVersion(file: String, version: String)
    /// A Keras 3 weights file (`.weights.h5`): weights without the architecture.
    case weightsWithoutArchitecture(file: String)
    case tooDeep(file: String, limit: Int)
    case tooManyLayers(file: String, limit: Int)
    case duplicateLayerName(file: String, model: String, name: String)
    case noInputShape(file: String, model: String)
    case unknownInbound(file: String, layer: Layer, missing: String)
    case nodeOutOfRange(file: String, layer: Layer, inbound: String, call: Int, calls: Int)
    case cycle(file: String, layer: Layer)
    /// Lambda layers, `__lambda__` and function objects, classes or modules not from Keras itself.
    case runsCode(file: String, layer: Layer, what: String)
    case channelsFirst(file: String, layer: Layer)
    case sizeTooLarge(file: String, layer: Layer, field: String, value: String, limit: Int)
    case weightMissing(file: String, layer: Layer, detail: String)
    /// Weights in the file that belong to no layer of the config (`group` as stored).
    case unexpectedWeights(file: String, group: String)
    case shapeMismatch(file: String, layer: Layer, weight: String, expected: String, found: [Int])
    case integerWeight(file: String, layer: Layer, weight: String)
    case nonFinite(file: String, layer: Layer, weight: String, index: Int, value: Float)
    /// The engine's refusal (KerasModelFile.LayerCheck).
    case unsupportedLayer(file: String, layer: Layer, reason: String)
}

extension ModelError: LocalizedError {
    public var errorDescription: String? { escapingControlCharacters(message) }

    private var message: String {
        switch self {
        case .notFound(let f): return "model file '\(f)' does not exist; check the path"
        case .isDirectory(let f): return "model path '\(f)' is a directory; give the .keras or .h5 file inside it"
        case .unreadable(let f, let r): return "model file '\(f)' cannot be read (\(r)); make it readable or copy it elsewhere"
        case .empty(let f): return "model file '\(f)' is empty; save the model again (model.save(\"model.keras\"))"
        case .unknownFormat(let f, let start):
            return "model file '\(f)' is neither a .keras archive (zip) nor HDF5 (it starts with \(start)); "
                + "give a file written by Keras's model.save"
        case .notZip(let f):
            return "model file '\(f)' is not a readable zip archive (a .keras file is one); it may be truncated, save or copy it again"
        case .unsafeEntryName(let f, let e):
            return
                "model file '\(f)' holds an entry named '\(e)' (a path outside the archive); featuremaps refuses such archives, save the model again with Keras"
        case .duplicateEntry(let f, let e):
            return "model file '\(f)' holds '\(e)' twice; featuremaps does not guess which is meant, save the model again with Keras"
        case .entryMissing(let f, let e):
            return "model file '\(f)' has no \(e); it is not a complete .keras archive, save the model again with model.save(\"model.keras\")"
        case .entryTooLarge(let f, let e, let limit):
            return
                "model file '\(f)': \(e) holds more than \(limit) bytes once inflated, the limit; a damaged or hostile archive, save the model again"
        case .entryDamaged(let f, let e, let r):
            return "model file '\(f)': \(e) is damaged (\(r)); get a fresh copy of the file"
        case .temporaryFile(let f, let r):
            return "model file '\(f)': cannot write a temporary copy of its weights (\(r)); free some space in TMPDIR or point TMPDIR elsewhere"
        case .hdf5(let f, let e, let error):
            return "model file '\(f)'\(e.map { ": \($0)" } ?? ""): \(Self.problem(error))"
        case .notJSON(let f, let e, let r):
            return "model file '\(f)': \(e) is not JSON (\(r)); the file is damaged or not from Keras, save the model again"
        case .notKerasConfig(let f, let e, let r):
            return "model file '\(f)': \(e) is not a Keras model config (\(r)); save the model with Keras's model.save"
        case .unsupportedVersion(let f, let v):
            return "model file '\(f)' was written by Keras \(v); featuremaps reads Keras 2 and 3 files, load and save it again with a current Keras"
        case .weightsWithoutArchitecture(let f):
            return "model file '\(f)' holds Keras 3 weights without the model (a .weights.h5 file); give the .keras file saved by model.save"
        case .tooDeep(let f, let limit):
            return "model file '\(f)' nests models more than \(limit) levels deep, the limit; a damaged or hostile config"
        case .tooManyLayers(let f, let limit):
            return "model file '\(f)' has more than \(limit) layers, the limit; a damaged or hostile config"
        case .duplicateLayerName(let f, let m, let n):
            return "model file '\(f)': model '\(m)' has two layers named '\(n)'; the config is damaged, save the model again"
        case .noInputShape(let f, let m):
            return
                "model file '\(f)': model '\(m)' has no input shape (an unbuilt Sequential); build it with keras.Input(shape=...) and save it again"
        case .unknownInbound(let f, let l, let missing):
            return
                "model file '\(f)': layer \(Self.name(l)) takes its input from '\(missing)', which is not a layer of its model; the config is damaged, save the model again"
        case .nodeOutOfRange(let f, let l, let inbound, let call, let calls):
            return
                "model file '\(f)': layer \(Self.name(l)) takes call \(call) of '\(inbound)', which is called \(calls) time(s); the config is damaged, save the model again"
        case .cycle(let f, let l):
            return
                "model file '\(f)': layer \(Self.name(l)) depends on its own output (a cycle in the graph); the config is damaged, save the model again"
        case .runsCode(let f, let l, let what):
            return "model file '\(f)': layer \(Self.name(l)) is \(what); featuremaps never runs code from a model file "
                + "(like Keras's safe_mode), rebuild the model from Keras's own layers"
        case .channelsFirst(let f, let l):
            return
                "model file '\(f)': layer \(Self.name(l)) uses data_format channels_first; featuremaps runs channels_last models only, rebuild it with channels_last"
        case .sizeTooLarge(let f, let l, let field, let value, let limit):
            return "model file '\(f)': layer \(Self.name(l)) declares \(field) \(value), above the limit of \(limit); a damaged or hostile config"
        case .weightMissing(let f, let l, let detail):
            return "model file '\(f)': layer \(Self.name(l)) \(detail); the weights do not belong to this config, save the model again"
        case .unexpectedWeights(let f, let g):
            return
                "model file '\(f)' holds weights at '\(g)' that belong to no layer of its config; the file is damaged or mixed up, save the model again"
        case .shapeMismatch(let f, let l, let w, let expected, let found):
            return "model file '\(f)': layer \(Self.name(l)) weight '\(w)' has shape (\(found.map(String.init).joined(separator: ", "))), "
                + "its config says \(expected); the file is damaged or mixed up, save the model again"
        case .integerWeight(let f, let l, let w):
            return
                "model file '\(f)': layer \(Self.name(l)) weight '\(w)' is stored as integers, not floats; quantized models are not supported, save the float model"
        case .nonFinite(let f, let l, let w, let i, let v):
            return "model file '\(f)': layer \(Self.name(l)) weight '\(w)' holds \(v) at index \(i); the training diverged or the file is damaged"
        case .unsupportedLayer(let f, let l, let reason):
            return "model file '\(f)': layer \(Self.name(l)) cannot be run: \(reason)"
        }
    }

    private static func name(_ layer: Layer) -> String { "'\(layer.name)' (\(layer.className))" }

    /// What the HDF5 reader found wrong, without the (possibly temporary) path it read.
    static func problem(_ error: WeightsError) -> String {
        switch error {
        case .notHDF5: return "not an HDF5 file (or truncated); get a fresh copy of the file"
        case .notKerasLayout: return "HDF5 but not written by Keras (no model_config, no layer_names, no layers); give a file saved by model.save"
        case .hdf5(_, let e): return "\(e.detail); the file may be damaged, get a fresh copy"
        case .readerCrashed(_, let signal):
            return "damaged: the HDF5 library " + (signal == 0 ? "stopped without an answer" : "crashed (signal \(signal))")
                + " reading it; get a fresh copy of the file"
        case .readerTimedOut(_, let seconds):
            return "damaged: the HDF5 library had not finished reading it after \(Int(seconds)) s; get a fresh copy of the file"
        case .readerFailed(_, let reason): return "could not be read (\(reason)); check free memory and process limits, then try again"
        case .changedWhileReading: return "changed while it was being read; wait until whatever writes it has finished, then try again"
        default: return error.localizedDescription
        }
    }
}
