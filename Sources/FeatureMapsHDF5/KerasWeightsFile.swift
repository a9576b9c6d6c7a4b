// Reader of Keras's legacy HDF5 weights layout (Keras 2 `save_weights("x.h5")`, the layout of
// keras-applications' `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_<alpha>_<rows>.h5`):
//   /                  attribute layer_names (or layer_names0, layer_names1, ... when Keras split it)
//   /<layer>           attribute weight_names, e.g. "Conv1/kernel:0"
//   /<layer>/<weight>  float dataset, e.g. /Conv1/Conv1/kernel:0
// A whole-model file (`model.save("x.h5")`) keeps the same tree under /model_weights.
// Strings may be fixed-length (h5py from numpy byte arrays) or variable-length.

public enum KerasWeightsFile {
    /// The most values one weight array may hold: 16,777,216 (64 MB of float32). MobileNetV2's
    /// largest, `predictions/kernel` at alpha 1.4, holds 1,792,000.
    public static let maxValuesPerArray = 1 << 24
    /// The most values a whole file may hold: 67,108,864 (256 MB); alpha 1.4 holds 6,156,712.
    public static let maxValuesPerFile = 1 << 26

    /// The name a weight is known by in `KerasWeights` (FeatureMapsEngine): the last path component
    /// of the stored name without its ":0" suffix. "block_1_expand/block_1_expand/kernel:0" or
    /// "kernel:0" -> "kernel".
    public static func shortWeightName(_ stored: String) -> String {
        var name = stored.split(separator: "/").last.map(String.init) ?? stored
        if let colon = name.lastIndex(of: ":") { name = String(name[..<colon]) }
        return name
    }

    /// What the reader process sends: `manifest(_:locating:)` of the file at `path`, or why not.
    /// An HDF5 open failure is `notHDF5`; any other HDF5 failure names the object.
    package static func manifest(path: String, locating: Bool) -> Result<WeightsManifest, ReaderFailure> {
        let file: HDF5File
        do { file = try HDF5File(path: path) } catch { return .failure(.notHDF5) }
        do {
            return .success(try manifest(file, locating: locating))
        } catch let e as HDF5Error {
            return .failure(.hdf5(e))
        } catch let e as ReaderFailure {
            return .failure(e)
        } catch {
            return .failure(.other("\(error)"))
        }
    }

    /// Every weight of every layer listed in the file, with the arrays stored as contiguous
    /// float32 little-endian located (HDF5File.float32Location) instead of read when `locating` is
    /// true (and the host is little-endian, and HDF5 reads the file through a POSIX descriptor).
    /// Arrays above the limits above are refused from their dataspace, before any allocation
    /// (HDF5Error.tooLarge); the same limits hold for both kinds.
    /// A model file (model_config at the root, or Keras 3's variables layout) is read by
    /// KerasModelFileWalk instead, its arrays keyed by full stored name (`resolve` shortens them).
    package static func manifest(_ file: HDF5File, locating: Bool) throws -> WeightsManifest {
        if let model = try KerasModelFileWalk.manifest(file, locating: locating) { return model }
        let root = try weightsRoot(file)
        let layerNames = try splitAttribute("layer_names", on: root, in: file)
        let identity = locating && 1.littleEndian == 1 ? file.identity() : nil
        var manifest = WeightsManifest(layerOrder: layerNames, file: identity)
        var budget = maxValuesPerFile
        for layer in layerNames {
            let group = root == "/" ? layer : root + "/" + layer
            guard file.exists(group) else { throw HDF5Error.notFound(object: group) }
            var arrays: [String: WeightsManifest.Stored] = [:]
            for stored in try splitAttribute("weight_names", on: group, in: file) {
                let path = group + "/" + stored, limit = min(maxValuesPerArray, budget)
                let array: WeightsManifest.Stored
                if let identity, let (shape, offset) = try file.float32Location(path, maxValues: limit, fileSize: identity.size) {
                    array = .located(shape: shape, offset: offset)
                    budget -= shape.reduce(1, *)
                } else {
                    let (shape, values) = try file.floatDataset(path, maxValues: limit)
                    array = .values(shape: shape, values: values)
                    budget -= values.count
                }
                arrays[shortWeightName(stored)] = array
            }
            manifest.layers[layer] = arrays
        }
        return manifest
    }

    /// "/" for a weights file, "model_weights" for a whole-model file.
    static func weightsRoot(_ file: HDF5File) throws -> String {
        for root in ["/", "model_weights"] where root == "/" || file.exists(root) {
            if try file.hasAttribute("layer_names", on: root) || file.hasAttribute("layer_names0", on: root) {
                return root
            }
        }
        throw ReaderFailure.notKerasLayout
    }

    /// Keras's `load_attributes_from_hdf5_group`: `name`, or `name0`, `name1`, ... concatenated.
    /// A missing attribute is an empty list (weightless layers may have no `weight_names`).
    static func splitAttribute(_ name: String, on object: String, in file: HDF5File) throws -> [String] {
        if try file.hasAttribute(name, on: object) { return try file.stringArrayAttribute(name, on: object) }
        var values: [String] = []
        var chunk = 0
        while try file.hasAttribute("\(name)\(chunk)", on: object) {
            values += try file.stringArrayAttribute("\(name)\(chunk)", on: object)
            chunk += 1
        }
        return values
    }
}

/// Why a file could not be described, before a path is attached: FeatureMapsWeights turns each
/// into the WeightsError that names the file.
package enum ReaderFailure: Error, Equatable, Sendable {
    /// `H5Fopen` failed: not HDF5, or truncated.
    case notHDF5
    /// HDF5, but no `layer_names` at the root or under /model_weights.
    case notKerasLayout
    case hdf5(HDF5Error)
    /// Anything else, as text.
    case other(String)
}
