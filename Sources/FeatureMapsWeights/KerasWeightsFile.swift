import FeatureMapsEngine

// Reader of Keras's legacy HDF5 weights layout (Keras 2 `save_weights("x.h5")`, the layout of
// keras-applications' `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_<alpha>_<rows>.h5`):
//   /                  attribute layer_names (or layer_names0, layer_names1, ... when Keras split it)
//   /<layer>           attribute weight_names, e.g. "Conv1/kernel:0"
//   /<layer>/<weight>  float dataset, e.g. /Conv1/Conv1/kernel:0
// A whole-model file (`model.save("x.h5")`) keeps the same tree under /model_weights.
// Strings may be fixed-length (h5py from numpy byte arrays) or variable-length.

public enum KerasWeightsFile {
    /// Reads every weight of every layer listed in the file.
    public static func read(_ file: HDF5File) throws -> KerasWeights {
        let root = try weightsRoot(file)
        let layerNames = try splitAttribute("layer_names", on: root, in: file)
        var weights = KerasWeights(layerOrder: layerNames)
        for layer in layerNames {
            let group = root == "/" ? layer : root + "/" + layer
            guard file.exists(group) else { throw HDF5Error.notFound(object: group) }
            var arrays: [String: WeightArray] = [:]
            for stored in try splitAttribute("weight_names", on: group, in: file) {
                let (shape, values) = try file.floatDataset(group + "/" + stored)
                arrays[KerasWeights.shortWeightName(stored)] = WeightArray(shape: shape, values: values)
            }
            weights.layers[layer] = arrays
        }
        return weights
    }

    /// "/" for a weights file, "model_weights" for a whole-model file.
    static func weightsRoot(_ file: HDF5File) throws -> String {
        for root in ["/", "model_weights"] where root == "/" || file.exists(root) {
            if try file.hasAttribute("layer_names", on: root) || file.hasAttribute("layer_names0", on: root) {
                return root
            }
        }
        throw WeightsError.notKerasLayout(path: file.path)
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
