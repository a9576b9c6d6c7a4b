// The names of a layer's variables in Keras's order (trainable then non-trainable, in creation order,
// Layer.save_own_variables), for the classes whose weights featuremaps knows. A `.keras` file stores
// them as vars/0, 1, ... without names: these give them the names a `.h5` file stores, so both files
// describe the same model alike. Keras 3's names; Keras 2's `depthwise_kernel` of DepthwiseConv2D is
// Keras 3's `kernel`. Sources: keras/src/layers/convolutional/base_conv.py, base_depthwise_conv.py,
// base_separable_conv.py, core/dense.py, normalization/batch_normalization.py,
// layer_normalization.py, group_normalization.py, activations/prelu.py, core/embedding.py,
// preprocessing/normalization.py.

enum VariableNames {
    /// The names `className` with `config` creates, or nil for a class not listed here (its
    /// variables are then named by position, "0", "1", ..., in a `.keras` file).
    static func expected(className: String, config: KerasJSON) -> [String]? {
        let bias = config["use_bias"]?.bool ?? true
        let optionalBias = bias ? ["bias"] : []
        switch className {
        case "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
            "DepthwiseConv1D", "DepthwiseConv2D", "Dense":
            return ["kernel"] + optionalBias
        case "SeparableConv1D", "SeparableConv2D":
            return ["depthwise_kernel", "pointwise_kernel"] + optionalBias
        case "BatchNormalization":
            return affine(config) + ["moving_mean", "moving_variance"]
        case "LayerNormalization", "GroupNormalization":
            return affine(config)
        case "PReLU": return ["alpha"]
        case "Embedding": return ["embeddings"]
        case "Normalization":
            // With mean and variance in its config, the layer creates no variables.
            let given = config["mean"].map { !$0.isNull } ?? false
            return given ? [] : ["mean", "variance", "count"]
        default: return nil
        }
    }

    /// gamma when `scale`, beta when `center` (both true by default).
    private static func affine(_ config: KerasJSON) -> [String] {
        (config["scale"]?.bool ?? true ? ["gamma"] : []) + (config["center"]?.bool ?? true ? ["beta"] : [])
    }

    /// A stored legacy weight name in Keras 3's terms: "conv1/kernel:0" -> "kernel",
    /// DepthwiseConv2D's "depthwise_kernel" -> "kernel".
    static func canonical(_ stored: String, className: String) -> String {
        var name = stored.split(separator: "/").last.map(String.init) ?? stored
        if let colon = name.lastIndex(of: ":"), name[name.index(after: colon)...].allSatisfy(\.isNumber) {
            name = String(name[..<colon])
        }
        if name == "depthwise_kernel" && className.hasPrefix("DepthwiseConv") { return "kernel" }
        return name
    }

    /// Keras's `naming.to_snake_case` (keras/src/utils/naming.py), the key of a layer in a `.keras`
    /// weights file: drop non-word characters, then "_" before each capitalised word and between a
    /// lower-case letter and a capital. "ReLU" -> "re_lu", "GlobalAveragePooling2D" ->
    /// "global_average_pooling2d", "Conv2D" -> "conv2d".
    static func snakeCase(_ name: String) -> String {
        // re.sub(r"\W+", "", name): \W is anything but letters, digits and "_".
        let word = Array(name.unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" })
        // re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name): before an upper followed by lowers, if not first.
        var first: [Unicode.Scalar] = []
        var i = 0
        while i < word.count {
            if i > 0, isUpper(word[i]), i + 1 < word.count, isLower(word[i + 1]) {
                // The regex consumes "(.)" then the capitalised word: the next match starts after it.
                first.append("_")
                first.append(word[i])
                i += 1
                while i < word.count, isLower(word[i]) { first.append(word[i]); i += 1 }
                // The character after the word is the next match's "(.)": it cannot get a "_" itself.
                if i < word.count { first.append(word[i]); i += 1 }
                continue
            }
            first.append(word[i])
            i += 1
        }
        // re.sub("([a-z])([A-Z])", r"\1_\2", ...).lower()
        var out = ""
        for (j, scalar) in first.enumerated() {
            if j > 0, isUpper(scalar), isLower(first[j - 1]) { out += "_" }
            out.unicodeScalars.append(scalar)
        }
        return out.lowercased()
    }

    private static func isUpper(_ s: Unicode.Scalar) -> Bool { ("A"..."Z").contains(s) }
    private static func isLower(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) }
}
