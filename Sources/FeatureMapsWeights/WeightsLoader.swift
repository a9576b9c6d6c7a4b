import Foundation
import FeatureMapsEngine

/// A MobileNetV2 loaded from a Keras weights file.
public struct LoadedWeights: Sendable {
    public let path: String
    public let model: MobileNetV2
    /// The arrays as the file stores them (MobileNetV2Graph builds the graph from them).
    public let stored: KerasWeights
    /// Values stored in the file (every weight of every listed layer).
    public var storedParameters: Int { stored.parameterCount }
}

public enum WeightsLoader {
    /// Opens, reads and checks a Keras MobileNetV2 weights file. Every failure names the file.
    /// The HDF5 reading happens in the reader process (IsolatedReader) unless `isolated` is false,
    /// so that a libhdf5 crash on a malformed file is an error, not the end of the caller, and a
    /// libhdf5 endless loop ends after `readerDeadline` seconds.
    public static func load(
        path: String, isolated: Bool = true,
        readerDeadline: Double = IsolatedReader.defaultDeadline
    ) throws -> LoadedWeights {
        try checkReadableFile(path)
        let weights =
            isolated
            ? try IsolatedReader.read(path: path, deadline: readerDeadline)
            : try IsolatedReader.readInProcess(path: path)
        do {
            return LoadedWeights(path: path, model: try MobileNetV2(weights: weights), stored: weights)
        } catch let e as EngineError {
            throw WeightsError.architecture(path: path, e)
        }
    }

    /// Turns the common file-system mistakes into clear errors before HDF5 sees the path.
    static func checkReadableFile(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw WeightsError.notFound(path: path)
        }
        if isDirectory.boolValue { throw WeightsError.isDirectory(path: path) }
        guard FileManager.default.isReadableFile(atPath: path) else { throw WeightsError.unreadable(path: path) }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if size == 0 { throw WeightsError.empty(path: path) }
    }
}
