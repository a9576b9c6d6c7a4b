// What the reader process (featuremaps-hdf5-reader) finds in a Keras MODEL file, for
// FeatureMapsModels (the user's own models). Two layouts, both read here with libhdf5 and nothing
// else (the JSON and the checks are the caller's: FeatureMapsWeights' KerasStoredFile):
//
//   legacy full model (`model.save("m.h5")`, Keras 2 and 3; keras/src/legacy/saving/legacy_h5_format.py):
//     /                      attributes model_config (JSON), keras_version, backend
//     /model_weights         attributes layer_names (or layer_names0, 1, ...), keras_version, backend
//     /model_weights/<layer> attribute weight_names, in Keras's variable order; datasets at
//                            <layer>/<weight name> ("conv1/kernel:0" in Keras 2, "conv1/kernel" in 3)
//     /model_weights/top_level_model_weights  the model's own variables (Keras 3), usually none
//   Keras 3 variables (`model.weights.h5` of a `.keras` archive; saving_lib.H5IOStore):
//     /layers/<key>/vars/0, 1, ...   <key> = snake_case(class) + per-class counter, nested models
//                                    recurse (layers/functional/layers/conv2d/vars/0); Keras 2.13
//                                    wrote `_layer_checkpoint_dependencies` for `layers`; Keras >= 3.6
//                                    gives each vars group a `name` attribute (the layer's name)
//     /vars                          the model's own variables
//   (optimizer/ and metric groups beside `layers` are training state: not read.)
//
// A weights-only file (the applications' MobileNetV2 files: layer_names at the root or under
// /model_weights, no model_config) is not a model file: KerasWeightsFile reads it as it always has.

/// The reader's description of a model file beyond its arrays (WeightsManifest.model). The arrays
/// themselves are the manifest's `layers[group][array name]`, located or read as usual.
package struct KerasModelStorage: Equatable, Sendable {
    package enum Layout: Int, Sendable { case legacyModel = 1, variables = 2 }

    /// One HDF5 group holding a layer's arrays: a legacy layer group ("conv1", under model_weights)
    /// or the parent path of a Keras 3 `vars` group ("layers/conv2d"; "" for the root's own vars).
    package struct Group: Equatable, Sendable {
        package var path: String
        /// The arrays' names in Keras's variable order: legacy weight_names as stored
        /// ("conv1/kernel:0"); Keras 3 "0", "1", ... in numeric order (others after, by name).
        package var arrays: [String]
        /// The vars group's `name` attribute (Keras >= 3.6); nil when absent or legacy.
        package var layerName: String?
        /// Arrays stored as integers (HDF5 converted them to float).
        package var integerArrays: [String]

        package init(path: String, arrays: [String], layerName: String?, integerArrays: [String]) {
            self.path = path
            self.arrays = arrays
            self.layerName = layerName
            self.integerArrays = integerArrays
        }
    }

    package var layout: Layout
    /// Root string attributes among model_config, keras_version, backend, and model_weights'
    /// keras_version and backend as "model_weights/keras_version", ...
    package var attributes: [String: String]
    /// In the file's order: layer_names' order (then top_level_model_weights) or the walk's.
    package var groups: [Group]

    package init(layout: Layout, attributes: [String: String], groups: [Group]) {
        self.layout = layout
        self.attributes = attributes
        self.groups = groups
    }
}

/// The reading itself (in the reader process). Limits are those of a user's model, above the weights-only
/// reader's: one array at most 134,217,728 values (512 MB of float32; VGG16's fc1 holds 102,760,448),
/// a file at most 536,870,912 values (2 GB, the `.keras` weights entry's cap), model_config at most
/// 64 MB, at most 131,072 groups, `vars` groups at most 256 groups deep.
package enum KerasModelFileWalk {
    package static let maxValuesPerArray = 1 << 27
    package static let maxValuesPerFile = 1 << 29
    static let maxConfigBytes = 64 << 20
    static let maxGroups = 1 << 17
    static let maxDepth = 256

    /// The manifest of a model file, or nil for a file that is not one (weights-only, or not Keras:
    /// KerasWeightsFile then reads it, or refuses it, as before).
    package static func manifest(_ file: HDF5File, locating: Bool) throws -> WeightsManifest? {
        var attributes: [String: String] = [:]
        for name in ["model_config", "keras_version", "backend"] where try file.hasAttribute(name, on: "/") {
            attributes[name] = try singleString(name, on: "/", in: file, maxBytes: name == "model_config" ? maxConfigBytes : 4096)
        }
        let legacyRoot = try layerNamesRoot(file)
        let layout: KerasModelStorage.Layout
        if attributes["model_config"] != nil {
            layout = .legacyModel
        } else if legacyRoot == nil && (file.exists("layers") || file.exists("_layer_checkpoint_dependencies") || file.exists("vars")) {
            layout = .variables
        } else {
            return nil
        }
        let identity = locating && 1.littleEndian == 1 ? file.identity() : nil
        var reading = Reading(file: file, identity: identity)
        var storage = KerasModelStorage(layout: layout, attributes: attributes, groups: [])
        var layerOrder: [String] = []
        if layout == .legacyModel {
            guard let root = legacyRoot else { throw HDF5Error.notFound(object: "model_weights (layer_names)") }
            for name in ["keras_version", "backend"] where root != "/" {
                if try file.hasAttribute(name, on: root) {
                    storage.attributes[root + "/" + name] = try singleString(name, on: root, in: file, maxBytes: 4096)
                }
            }
            var layers = try KerasWeightsFile.splitAttribute("layer_names", on: root, in: file)
            guard layers.count <= maxGroups else {
                throw HDF5Error.tooLarge(object: root + "@layer_names", shape: [String(layers.count)], limit: maxGroups)
            }
            layerOrder = layers  // what the weights-only reading (WeightsManifest.resolve) lists, as before
            if !layers.contains("top_level_model_weights"), file.exists(join(root, "top_level_model_weights")) {
                layers.append("top_level_model_weights")
            }
            for layer in layers {
                let group = join(root, layer)
                guard file.exists(group) else { throw HDF5Error.notFound(object: group) }
                let names = try KerasWeightsFile.splitAttribute("weight_names", on: group, in: file)
                storage.groups.append(try reading.group(layer, arrays: names, under: group))
            }
        } else {
            for top in ["vars", "layers", "_layer_checkpoint_dependencies"] where file.exists(top) {
                try walk(top, depth: 0, into: &storage, reading: &reading)
            }
        }
        var manifest = WeightsManifest(layerOrder: layout == .legacyModel ? layerOrder : storage.groups.map(\.path), file: identity)
        manifest.layers = reading.arrays
        manifest.model = storage
        return manifest
    }

    /// Every `vars` group at or below `path` (Keras 3 layout), depth first in name order.
    private static func walk(_ path: String, depth: Int, into storage: inout KerasModelStorage, reading: inout Reading) throws {
        guard depth <= maxDepth else { throw HDF5Error.tooLarge(object: path, shape: ["\(depth) groups deep"], limit: maxDepth) }
        let isVars = path == "vars" || path.hasSuffix("/vars")
        let members = try reading.file.members(of: path, limit: maxGroups)
        if isVars {
            let owner = String(path.dropLast(path == "vars" ? 4 : 5))
            let layerName =
                try reading.file.hasAttribute("name", on: path)
                ? try singleString("name", on: path, in: reading.file, maxBytes: HDF5File.maxStringBytes) : nil
            let names = members.filter { $0.kind == .dataset }.map(\.name).sorted { a, b in
                switch (Int(a), Int(b)) {
                case let (x?, y?): return x < y
                case (_?, nil): return true
                case (nil, _?): return false
                case (nil, nil): return a < b
                }
            }
            var group = try reading.group(owner, arrays: names, under: path)
            group.layerName = layerName
            storage.groups.append(group)
            return
        }
        for member in members where member.kind == .group {
            reading.groupCount += 1
            guard reading.groupCount <= maxGroups else { throw HDF5Error.tooLarge(object: path, shape: ["more groups"], limit: maxGroups) }
            try walk(join(path, member.name), depth: depth + 1, into: &storage, reading: &reading)
        }
    }

    /// Reads or locates arrays within the file's value budget.
    private struct Reading {
        let file: HDF5File
        let identity: FileIdentity?
        var budget = KerasModelFileWalk.maxValuesPerFile
        var groupCount = 0
        var arrays: [String: [String: WeightsManifest.Stored]] = [:]

        /// The arrays `names` of the HDF5 group at `hdf5Path`, recorded under `key`.
        mutating func group(_ key: String, arrays names: [String], under hdf5Path: String) throws -> KerasModelStorage.Group {
            var group = KerasModelStorage.Group(path: key, arrays: names, layerName: nil, integerArrays: [])
            var stored: [String: WeightsManifest.Stored] = arrays[key] ?? [:]
            for name in names {
                let path = join(hdf5Path, name), limit = min(KerasModelFileWalk.maxValuesPerArray, budget)
                if let identity, let (shape, offset) = try file.float32Location(path, maxValues: limit, fileSize: identity.size) {
                    stored[name] = .located(shape: shape, offset: offset)
                    budget -= shape.reduce(1, *)
                } else {
                    let (shape, values) = try file.floatDataset(path, maxValues: limit)
                    if try file.storesIntegers(path) { group.integerArrays.append(name) }
                    stored[name] = .values(shape: shape, values: values)
                    budget -= values.count
                }
            }
            arrays[key] = stored
            return group
        }
    }

    /// "/" or "model_weights" when that group has layer_names (or layer_names0), else nil.
    static func layerNamesRoot(_ file: HDF5File) throws -> String? {
        for root in ["model_weights", "/"] where root == "/" || file.exists(root) {
            if try file.hasAttribute("layer_names", on: root) || file.hasAttribute("layer_names0", on: root) { return root }
        }
        return nil
    }

    /// A scalar string attribute (h5py writes a str as variable-length UTF-8, bytes as fixed-length).
    static func singleString(_ name: String, on object: String, in file: HDF5File, maxBytes: Int) throws -> String {
        let strings = try file.stringArrayAttribute(name, on: object, maxBytes: maxBytes)
        guard strings.count == 1 else {
            throw HDF5Error.unsupportedType(object: "\(object)@\(name)", detail: "\(strings.count) strings, not one")
        }
        return strings[0]
    }

    static func join(_ parent: String, _ child: String) -> String {
        parent == "/" || parent.isEmpty ? child : parent + "/" + child
    }
}
