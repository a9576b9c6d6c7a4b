import FeatureMapsEngine
import FeatureMapsWeights

// A layer's stored arrays -> its named weights, checked: the names and count its config implies
// (VariableNames), floats (integers only for Normalization's `count`, an int variable in Keras),
// finite values, and shapes that agree with the config where the config fixes them (Conv filters and
// kernel_size, Dense units, depthwise multiplier, one channel count for BatchNormalization's four).
// A declared size the weights do not have is refused here, so a config cannot claim 10^9 filters
// over a 3 x 3 x 1 x 8 kernel.

enum WeightChecks {
    static func named(
        _ stored: [KerasStoredFile.StoredArray], draft: LayerDraft, layer: ModelError.Layer,
        format: KerasModelDescription.Format, file: String
    ) throws -> [KerasWeight] {
        let expected = VariableNames.expected(className: draft.className, config: draft.config)
        let names: [String]
        switch format {
        case .keras:
            if let expected, expected.count != stored.count {
                throw ModelError.weightMissing(
                    file: file, layer: layer, detail: "has \(stored.count) stored variable(s), its config makes \(list(expected))")
            }
            names = expected ?? stored.indices.map(String.init)
        case .h5:
            names = stored.map { VariableNames.canonical($0.name, className: draft.className) }
            if let expected, expected != names {
                throw ModelError.weightMissing(file: file, layer: layer, detail: "has weights \(list(names)), its config makes \(list(expected))")
            }
        }
        var weights: [KerasWeight] = []
        for (name, item) in zip(names, stored) {
            if item.storedAsIntegers && !(draft.className == "Normalization" && name == "count") {
                throw ModelError.integerWeight(file: file, layer: layer, weight: name)
            }
            if let bad = item.array.values.firstIndex(where: { !$0.isFinite }) {
                throw ModelError.nonFinite(file: file, layer: layer, weight: name, index: bad, value: item.array.values[bad])
            }
            weights.append(KerasWeight(name: name, array: item.array))
        }
        try checkShapes(weights, config: draft.config, className: draft.className, layer: layer, file: file)
        return weights
    }

    /// The config's sizes against the stored shapes (only where both exist).
    static func checkShapes(_ weights: [KerasWeight], config: KerasJSON, className: String, layer: ModelError.Layer, file: String) throws {
        func shape(_ name: String) -> [Int]? { weights.first { $0.name == name }?.array.shape }
        func require(_ name: String, _ ok: ([Int]) -> Bool, _ expected: String) throws {
            guard let found = shape(name), !ok(found) else { return }
            throw ModelError.shapeMismatch(file: file, layer: layer, weight: name, expected: expected, found: found)
        }
        let filters = config["filters"]?.int, units = config["units"]?.int
        switch className {
        case "Conv1D", "Conv2D", "Conv3D":
            let rank = className == "Conv1D" ? 1 : className == "Conv2D" ? 2 : 3
            let kernel = spatial(config["kernel_size"], rank: rank)
            try require(
                "kernel", { $0.count == rank + 2 && (kernel == nil || Array($0.prefix(rank)) == kernel!) && (filters == nil || $0.last == filters) },
                "kernel_size \(kernel.map { "\($0)" } ?? "?") and \(filters.map(String.init) ?? "?") filters")
            try require("bias", { filters == nil || $0 == [filters!] }, "(\(filters ?? 0)) for its filters")
        case "DepthwiseConv2D", "DepthwiseConv1D":
            let rank = className == "DepthwiseConv1D" ? 1 : 2
            let kernel = spatial(config["kernel_size"], rank: rank), multiplier = config["depth_multiplier"]?.int ?? 1
            try require(
                "kernel", { $0.count == rank + 2 && (kernel == nil || Array($0.prefix(rank)) == kernel!) && $0.last == multiplier },
                "kernel_size \(kernel.map { "\($0)" } ?? "?") and depth_multiplier \(multiplier)")
            if let k = shape("kernel"), k.count == rank + 2 {
                try require("bias", { $0 == [k[rank] * multiplier] }, "(\(k[rank] * multiplier)) for its channels")
            }
        case "SeparableConv2D", "SeparableConv1D":
            let rank = className == "SeparableConv1D" ? 1 : 2, multiplier = config["depth_multiplier"]?.int ?? 1
            let kernel = spatial(config["kernel_size"], rank: rank)
            try require(
                "depthwise_kernel", { $0.count == rank + 2 && (kernel == nil || Array($0.prefix(rank)) == kernel!) && $0.last == multiplier },
                "kernel_size \(kernel.map { "\($0)" } ?? "?") and depth_multiplier \(multiplier)")
            try require("pointwise_kernel", { $0.count == rank + 2 && (filters == nil || $0.last == filters) }, "\(filters ?? 0) filters")
            try require("bias", { filters == nil || $0 == [filters!] }, "(\(filters ?? 0)) for its filters")
        case "Dense":
            try require("kernel", { $0.count == 2 && (units == nil || $0[1] == units) }, "(inputs, \(units ?? 0)) for its units")
            try require("bias", { units == nil || $0 == [units!] }, "(\(units ?? 0)) for its units")
        case "BatchNormalization":
            let channels = shape("moving_mean")
            for name in ["gamma", "beta", "moving_mean", "moving_variance"] {
                try require(name, { $0.count == 1 && (channels == nil || $0 == channels!) }, "one value per channel, as moving_mean")
            }
        default:
            break
        }
    }

    /// kernel_size as `rank` integers (Keras accepts one int for all).
    static func spatial(_ value: KerasJSON?, rank: Int) -> [Int]? {
        guard let ints = value?.ints else { return nil }
        return ints.count == 1 ? [Int](repeating: ints[0], count: rank) : ints
    }

    static func list(_ names: [String]) -> String { "(" + names.joined(separator: ", ") + ")" }
}
