import Foundation
import FeatureMapsEngine
import FeatureMapsWeights
import FeatureMapsSupport

/// Reads the user's own Keras model file: a `.keras` archive (Keras 3, saving_lib) or a full-model
/// `.h5` (Keras 2 or 3, legacy_h5_format), into a checked KerasModelDescription; or recognises
/// the applications' weights-only `.h5` (today's MobileNetV2 files), whose architecture the caller
/// supplies. The format is told by content (zip or HDF5 signature), not by name.
///
/// Order of work: the file's kind, then (for `.keras`) the archive's names and sizes, the JSON, the
/// graph and the layer policy, all before any weight is read; then the weights through the isolated
/// HDF5 reader (a private temporary copy for `.keras`, removed on every path out); then the weights
/// against the config. Every failure is one ModelError line naming the file.
public enum KerasModelFile {
    public enum Contents: Sendable {
        /// The applications' weights-only layout: no architecture in the file.
        case weightsOnly(KerasWeights)
        case model(KerasModelDescription)
    }

    /// The engine's say: nil to accept a layer, or why it cannot run it (asked for every layer the
    /// reader itself accepts, after the config's own checks and before any weight is read; the
    /// layer's `weights` are empty then).
    public typealias LayerCheck = @Sendable (KerasLayerDescription) -> String?

    public static func read(
        path: String, isolated: Bool = true, readerDeadline: Double = IsolatedReader.defaultDeadline,
        check: LayerCheck? = nil
    ) throws -> Contents {
        try checkReadable(path)
        switch try sniff(path) {
        case .zip: return .model(try readArchive(path, limits: KerasArchive.Limits(), isolated: isolated, deadline: readerDeadline, check: check))
        case .hdf5: return try readHDF5(path, isolated: isolated, deadline: readerDeadline, check: check)
        }
    }

    /// The architecture a config describes (config.json's or model_config's JSON), checked as
    /// `read` checks it, without weights: every layer's `weights` is empty. `file` names the
    /// source in errors; `kerasVersion` is metadata.json's or the file's keras_version.
    public static func architecture(
        configJSON: Data, format: KerasModelDescription.Format, kerasVersion: String,
        file: String
    ) throws -> KerasModelDescription {
        let entry = format == .keras ? KerasArchive.configName : "model_config"
        var builder = try DescriptionBuilder(
            top: try json(configJSON, file: file, entry: entry), format: format,
            version: try parseVersion(kerasVersion, file: file), backend: nil, file: file, entry: entry)
        return try builder.finish(with: nil)
    }

    static func readArchive(
        _ path: String, limits: KerasArchive.Limits, isolated: Bool, deadline: Double, check: LayerCheck? = nil
    ) throws -> KerasModelDescription {
        var archive = try KerasArchive(path: path, limits: limits)
        let metadata = try json(archive.data(KerasArchive.metadataName, limit: limits.metadata), file: path, entry: KerasArchive.metadataName)
        guard let version = metadata["keras_version"]?.string else {
            throw ModelError.notKerasConfig(file: path, entry: KerasArchive.metadataName, reason: "no keras_version")
        }
        let kerasVersion = try parseVersion(version, file: path)
        let config = try json(archive.data(KerasArchive.configName, limit: limits.config), file: path, entry: KerasArchive.configName)
        var builder = try DescriptionBuilder(
            top: config, format: .keras, version: kerasVersion, backend: nil,
            file: path, entry: KerasArchive.configName, check: check)
        guard archive.has(KerasArchive.weightsName) else {
            throw ModelError.entryMissing(file: path, entry: KerasArchive.weightsName)
        }
        var copy = try PrivateTemporaryFile(name: "model.weights.h5", owner: path)
        defer { copy.remove() }
        try archive.copyWeights(to: copy.fd)
        copy.close()
        let stored: KerasStoredFile
        do {
            stored = try KerasStoredFile.read(path: copy.path, isolated: isolated, deadline: deadline) { layout, _ in
                guard layout == .variables else {
                    throw ModelError.hdf5(file: path, entry: KerasArchive.weightsName, .notKerasLayout(path: copy.path))
                }
            }
        } catch WeightsError.notKerasLayout {
            // An HDF5 file without any vars group: a model without variables (newer Keras writes
            // vars groups only for layers that have some).
            return try builder.finish(with: KerasStoredFile.StoredModel(layout: .variables, attributes: [:], groups: []))
        } catch let error as WeightsError {
            throw ModelError.hdf5(file: path, entry: KerasArchive.weightsName, error)
        }
        guard case .model(let model) = stored, model.layout == .variables else {
            throw ModelError.hdf5(file: path, entry: KerasArchive.weightsName, .notKerasLayout(path: copy.path))
        }
        return try builder.finish(with: model)
    }

    static func readHDF5(_ path: String, isolated: Bool, deadline: Double, check: LayerCheck? = nil) throws -> Contents {
        // The config is parsed and checked (graph, policy, caps) before the weights are read.
        var builder: DescriptionBuilder?
        let stored: KerasStoredFile
        do {
            stored = try KerasStoredFile.read(path: path, isolated: isolated, deadline: deadline) { layout, attributes in
                guard layout == .legacyModel, let text = attributes["model_config"] else {
                    throw ModelError.weightsWithoutArchitecture(file: path)
                }
                let version = attributes["keras_version"] ?? attributes["model_weights/keras_version"] ?? "1 (no keras_version attribute)"
                builder = try DescriptionBuilder(
                    top: try json(Data(text.utf8), file: path, entry: "model_config"), format: .h5,
                    version: try parseVersion(version, file: path),
                    backend: attributes["backend"] ?? attributes["model_weights/backend"],
                    file: path, entry: "model_config", check: check)
            }
        } catch let error as WeightsError {
            throw ModelError.hdf5(file: path, entry: nil, error)
        }
        switch stored {
        case .weightsOnly(let weights): return .weightsOnly(weights)
        case .model(let model):
            guard var builder else { throw ModelError.weightsWithoutArchitecture(file: path) }
            return .model(try builder.finish(with: model))
        }
    }

    static func json(_ data: Data, file: String, entry: String) throws -> KerasJSON {
        do {
            return try KerasJSON.parse(data)
        } catch let error as KerasJSON.SyntaxError {
            throw ModelError.notJSON(file: file, entry: entry, reason: error.reason)
        }
    }

    /// Keras 2 and 3; 1.x (Theano-era kernels) and anything else refused.
    static func parseVersion(_ text: String, file: String) throws -> KerasVersion {
        guard let major = Int(text.prefix { $0.isNumber }), (2...3).contains(major) else {
            throw ModelError.unsupportedVersion(file: file, version: text)
        }
        return KerasVersion(major: major, text: text)
    }

    enum Kind { case zip, hdf5 }

    /// Zip by its local-header or empty-archive signature; HDF5 by its signature at 0, 512, 1024,
    /// ... (HDF5 allows a user block); otherwise by name, else unknownFormat.
    static func sniff(_ path: String) throws -> Kind {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ModelError.unreadable(file: path, reason: "cannot open") }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8)) ?? Data()
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .zip }
        let hdf5: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
        var offset: UInt64 = 0
        while offset <= 1 << 20 {
            try? handle.seek(toOffset: offset)
            guard let bytes = try? handle.read(upToCount: 8), bytes.count == 8 else { break }
            if [UInt8](bytes) == hdf5 { return .hdf5 }
            offset = offset == 0 ? 512 : offset * 2
        }
        let lower = path.lowercased()
        if lower.hasSuffix(".keras") { throw ModelError.notZip(file: path) }
        if lower.hasSuffix(".h5") || lower.hasSuffix(".hdf5") { return .hdf5 }
        let start = head.isEmpty ? "nothing" : head.map { String(format: "%02x", $0) }.joined(separator: " ")
        throw ModelError.unknownFormat(file: path, start: start)
    }

    static func checkReadable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw ModelError.notFound(file: path) }
        if isDirectory.boolValue { throw ModelError.isDirectory(file: path) }
        guard FileManager.default.isReadableFile(atPath: path) else { throw ModelError.unreadable(file: path, reason: "permission denied") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if size == 0 { throw ModelError.empty(file: path) }
    }
}
