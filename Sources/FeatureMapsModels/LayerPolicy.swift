// What the reader refuses by itself, before any weight is read, whatever the engine supports:
//  - code: a `Lambda` layer (marshalled Python bytecode), a `__lambda__` object, a `function`
//    object or any class whose `module` is not Keras's own ("keras" or "keras.*"), a
//    `registered_name` "package>Name" (keras.saving.register_keras_serializable), a Keras 2
//    class_name "package>Name". Keras's own safe_mode refuses lambdas only; featuremaps refuses
//    every class it cannot know, since it never runs code from a model file.
//  - `data_format: channels_first` (every kernel is channels_last).
//  - declared sizes above the caps below (a Conv2D with 10^9 filters must be refused before anyone
//    allocates for it); the weights' own shapes are checked against the config later (WeightChecks).

enum LayerPolicy {
    /// Largest value of each integer field, per value (lists such as kernel_size are checked item by item).
    static let caps: [String: Int] = [
        "filters": 1 << 16, "units": 1 << 20, "depth_multiplier": 1 << 12, "groups": 1 << 16,
        "kernel_size": 1 << 12, "strides": 1 << 12, "dilation_rate": 1 << 12, "pool_size": 1 << 12,
        "size": 1 << 12, "padding": 1 << 12, "cropping": 1 << 12,
        "batch_shape": 1 << 16, "batch_input_shape": 1 << 16, "target_shape": 1 << 16, "dims": 1 << 16, "n": 1 << 16,
    ]
    /// Values one example of a declared shape may hold (4096 x 4096 x 16).
    static let maxShapeValues = 1 << 28

    static func check(_ draft: LayerDraft, file: String) throws {
        let layer = ModelError.Layer((draft.path.dropFirst() + [draft.name]).joined(separator: "/"), draft.className)
        if draft.className == "Lambda" {
            throw ModelError.runsCode(file: file, layer: layer, what: "a Lambda layer (Python code stored in the file)")
        }
        if let what = code(in: draft.object) { throw ModelError.runsCode(file: file, layer: layer, what: what) }
        try scan(draft.config, layer: layer, file: file, depth: 0)
    }

    /// A description of the first object in `value` (the layer itself or anything in its config)
    /// that Keras would have to import or run code for; nil when there is none.
    static func code(in value: KerasJSON) -> String? {
        switch value {
        case .array(let items):
            for item in items { if let found = code(in: item) { return found } }
            return nil
        case .object(let object):
            if let found = codeObject(object) { return found }
            for (key, item) in object.sorted(by: { $0.key < $1.key }) where key != "inbound_nodes" && key != "compile_config" {
                if let found = code(in: item) { return found }
            }
            return nil
        default: return nil
        }
    }

    private static func codeObject(_ object: [String: KerasJSON]) -> String? {
        guard let className = object["class_name"]?.string else { return nil }
        if className == "__lambda__" { return "a lambda (Python code stored in the file)" }
        if className.contains(">") { return "a custom class '\(className)'" }
        if let registered = object["registered_name"]?.string, registered.contains(">") {
            return "a custom class registered as '\(registered)'"
        }
        if case .string(let module)? = object["module"], !isKeras(module) {
            return className == "function"
                ? "a function '\(object["config"]?.string ?? "?")' from module '\(module)'"
                : "a class '\(className)' from module '\(module)', not from Keras"
        }
        if object["module"] == .null && object.keys.contains("module") {
            return "a class '\(className)' of no known module (a custom class defined in a script)"
        }
        return nil
    }

    static func isKeras(_ module: String) -> Bool { module == "keras" || module.hasPrefix("keras.") }

    /// channels_first and the size caps, anywhere in the layer's config except nested models' layers
    /// (those are layers of their own).
    private static func scan(_ config: KerasJSON, layer: ModelError.Layer, file: String, depth: Int) throws {
        guard case .object(let object) = config, depth < 64 else { return }
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            if key == "data_format", value.string == "channels_first" { throw ModelError.channelsFirst(file: file, layer: layer) }
            if let cap = caps[key] {
                let numbers = value.ints ?? (value.array?.compactMap(\.int) ?? [])
                if let big = numbers.first(where: { $0 > cap }) {
                    throw ModelError.sizeTooLarge(file: file, layer: layer, field: key, value: String(big), limit: cap)
                }
                if key.hasSuffix("shape") {
                    var product = 1
                    for n in numbers where n > 0 {
                        let (p, overflow) = product.multipliedReportingOverflow(by: n)
                        product = overflow ? Int.max : p
                    }
                    if product > maxShapeValues || numbers.contains(where: { $0 > cap }) {
                        throw ModelError.sizeTooLarge(file: file, layer: layer, field: key, value: "\(numbers)", limit: maxShapeValues)
                    }
                }
            }
            if case .object = value { try scan(value, layer: layer, file: file, depth: depth + 1) }
        }
    }
}
