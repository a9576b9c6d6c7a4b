import FeatureMapsEngine
import FeatureMapsHDF5

/// What an HDF5 file written by Keras holds, read with libhdf5 in the reader process (featuremaps-hdf5-reader, IsolatedReader)
/// and checked by the caller (WeightsManifest.resolveArrays): for FeatureMapsModels, which turns a
/// model file into a description. Every failure is a WeightsError naming `path`.
public enum KerasStoredFile: Sendable {
    /// The weights-only layout (the applications' MobileNetV2 files: no model_config), read
    /// exactly as WeightsLoader reads it.
    case weightsOnly(KerasWeights)
    /// A legacy full-model file or a Keras 3 variables file (KerasModelStorage's comment).
    case model(StoredModel)

    public struct StoredModel: Sendable, Equatable {
        public enum Layout: Sendable, Equatable {
            /// `model.save("m.h5")`: groups are layer names under model_weights, arrays weight_names.
            case legacyModel
            /// `model.weights.h5` of a `.keras`: groups are the parents of `vars` groups, arrays "0", "1", ...
            case variables
        }
        public let layout: Layout
        /// Root attributes model_config, keras_version, backend; model_weights' as "model_weights/keras_version".
        public let attributes: [String: String]
        /// In the file's order (legacy: layer_names, then top_level_model_weights; variables: the
        /// groups depth first in name order, so "add_10" before "add_2").
        public let groups: [StoredGroup]

        public init(layout: Layout, attributes: [String: String], groups: [StoredGroup]) {
            self.layout = layout
            self.attributes = attributes
            self.groups = groups
        }
    }

    public struct StoredGroup: Sendable, Equatable {
        /// "conv1" (legacy) or "layers/conv2d" ("" for the model's own vars).
        public let path: String
        /// The vars group's `name` attribute (Keras >= 3.6), nil when absent.
        public let layerName: String?
        /// In Keras's variable order (weight_names, or vars 0, 1, ...).
        public let arrays: [StoredArray]

        public init(path: String, layerName: String?, arrays: [StoredArray]) {
            self.path = path
            self.layerName = layerName
            self.arrays = arrays
        }
    }

    public struct StoredArray: Sendable, Equatable {
        /// As stored: "conv1/kernel:0", "conv1/kernel", or "0".
        public let name: String
        /// Converted to float32 (float16 and float64 by HDF5).
        public let array: WeightArray
        /// The dataset held integers (converted to float like the rest).
        public let storedAsIntegers: Bool

        public init(name: String, array: WeightArray, storedAsIntegers: Bool) {
            self.name = name
            self.array = array
            self.storedAsIntegers = storedAsIntegers
        }
    }

    /// Reads `path` in the reader process (or, with `isolated` false, in this process). For a model
    /// file, `inspect` sees its layout and attributes (model_config) before the arrays the reader
    /// located are read from the file: a config refused there costs no weight reading.
    public static func read(
        path: String, isolated: Bool = true, deadline: Double = IsolatedReader.defaultDeadline,
        inspect: (StoredModel.Layout, [String: String]) throws -> Void = { _, _ in }
    ) throws -> KerasStoredFile {
        if isolated {
            return try IsolatedReader.read(path: path, deadline: deadline) { manifest, fd in
                try contents(of: manifest, fd: fd, path: path, inspect: inspect)
            }
        }
        return try contents(of: IsolatedReader.manifestInProcess(path: path), fd: nil, path: path, inspect: inspect)
    }

    /// The model's arrays read (located ones from `fd`) and put in the file's order, within the
    /// model file's limits (KerasModelFileWalk).
    static func contents(
        of manifest: WeightsManifest, fd: Int32?, path: String,
        inspect: (StoredModel.Layout, [String: String]) throws -> Void
    ) throws -> KerasStoredFile {
        guard let model = manifest.model else { return .weightsOnly(try manifest.resolve(fd: fd, path: path)) }
        try inspect(model.layout == .legacyModel ? .legacyModel : .variables, model.attributes)
        let arrays = try manifest.resolveArrays(
            fd: fd, path: path, maxValuesPerArray: KerasModelFileWalk.maxValuesPerArray,
            maxValuesPerFile: KerasModelFileWalk.maxValuesPerFile)
        let groups = try model.groups.map { group in
            let integers = Set(group.integerArrays)
            return StoredGroup(
                path: group.path, layerName: group.layerName,
                arrays: try group.arrays.map { name in
                    // The reader listed it and sent it: a message without it is not the reader's.
                    guard let array = arrays[group.path]?[name] else { throw WeightsError.readerCrashed(path: path, signal: 0) }
                    return StoredArray(name: name, array: array, storedAsIntegers: integers.contains(name))
                })
        }
        return .model(
            StoredModel(
                layout: model.layout == .legacyModel ? .legacyModel : .variables,
                attributes: model.attributes, groups: groups))
    }
}
