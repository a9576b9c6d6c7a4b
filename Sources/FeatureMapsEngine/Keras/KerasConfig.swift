// Typed reading of one layer's Keras config: each accessor takes Keras's default for an absent key
// (or null where Keras treats null as the default), checks the type and range, and throws a
// GraphError naming the layer, its class and the key. Declared sizes are capped here, before any
// allocation.

/// The config, weights and version of one layer call, with the checks every layer builder uses.
public struct KerasConfig: Sendable {
    public let spec: KerasLayerSpec
    /// Largest declared size featuremaps accepts (filters, units, kernel size, padding, ...): 2^20.
    public static let sizeLimit = 1 << 20

    public init(_ spec: KerasLayerSpec) { self.spec = spec }

    var layer: String { spec.qualifiedName }
    var className: String { spec.className }
    public var isKeras2: Bool { spec.kerasMajorVersion <= 2 }

    /// The key's value; nil when absent.
    public subscript(key: String) -> KerasConfigValue? { spec.config[key] }

    public func invalid(_ key: String, _ reason: String) -> GraphError {
        .invalidConfig(layer: layer, className: className, key: key, reason: reason)
    }

    public func unsupported(_ key: String, _ value: KerasConfigValue) -> GraphError {
        .unsupportedConfig(layer: layer, className: className, key: key, value: value.description)
    }

    /// A finite number; `default` when absent or null (nil default: the key is required).
    public func double(_ key: String, default def: Double? = nil) throws -> Double {
        guard let v = self[key], !v.isNull else {
            guard let def else { throw invalid(key, "is missing") }
            return def
        }
        guard let d = v.number else { throw invalid(key, "is \(v), not a number") }
        guard d.isFinite else { throw invalid(key, "is \(d), not a finite number") }
        return d
    }

    /// A finite number, or nil when absent or null.
    public func optionalDouble(_ key: String) throws -> Double? {
        guard let v = self[key], !v.isNull else { return nil }
        return try double(key)
    }

    public func int(_ key: String, default def: Int? = nil) throws -> Int {
        let d = try double(key, default: def.map(Double.init))
        guard d == d.rounded(), abs(d) <= Double(1 << 53) else { throw invalid(key, "is \(d), not a whole number") }
        return Int(d)
    }

    public func bool(_ key: String, default def: Bool) throws -> Bool {
        guard let v = self[key], !v.isNull else { return def }
        guard case .bool(let b) = v else { throw invalid(key, "is \(v), not true or false") }
        return b
    }

    public func string(_ key: String, default def: String? = nil) throws -> String {
        guard let v = self[key], !v.isNull else {
            guard let def else { throw invalid(key, "is missing") }
            return def
        }
        guard case .string(let s) = v else { throw invalid(key, "is \(v), not a string") }
        return s
    }

    /// A list of whole numbers (a single number stands for `count` copies, as Keras's
    /// standardize_tuple); `count` nil accepts any length.
    public func ints(_ key: String, count: Int?, default def: [Int]? = nil) throws -> [Int] {
        guard let v = self[key], !v.isNull else {
            guard let def else { throw invalid(key, "is missing") }
            return def
        }
        let items: [KerasConfigValue]
        if case .array(let a) = v { items = a } else { items = [KerasConfigValue](repeating: v, count: count ?? 1) }
        if let count, items.count != count { throw invalid(key, "is \(v), not \(count) numbers") }
        return try items.map { item in
            guard let d = item.number, d == d.rounded(), abs(d) <= Double(1 << 53) else {
                throw invalid(key, "is \(v), not whole numbers")
            }
            return Int(d)
        }
    }

    /// Declared sizes (kernel, strides, pool, ...): each at least `minimum`, at most `sizeLimit`.
    public func sizes(_ key: String, count: Int, default def: [Int]? = nil, minimum: Int = 1) throws -> [Int] {
        let v = try ints(key, count: count, default: def)
        for x in v { try checkSize(key, x, minimum: minimum) }
        return v
    }

    /// A declared size: at least `minimum`, at most `sizeLimit` (refused before allocating).
    public func checkSize(_ what: String, _ x: Int, minimum: Int = 1) throws {
        guard x >= minimum else { throw invalid(what, "is \(x), must be at least \(minimum)") }
        guard x <= Self.sizeLimit else {
            throw GraphError.sizeLimit(layer: layer, className: className, what: what, value: x, limit: Self.sizeLimit)
        }
    }

    /// "valid" or "same" (Keras lower-cases it); "causal" and others are refused.
    public func padding(_ key: String = "padding") throws -> Padding {
        let s = try string(key, default: "valid")
        guard let p = Padding(rawValue: s.lowercased()) else { throw unsupported(key, .string(s)) }
        return p
    }

    /// featuremaps computes NHWC only: `data_format` must be absent, null or "channels_last".
    public func requireChannelsLast() throws {
        if let v = self["data_format"], !v.isNull, v != .string("channels_last") { throw unsupported("data_format", v) }
    }

    /// The dtype policy must compute in float32 (Keras 3 {"class_name": "DTypePolicy", "config":
    /// {"name": "float32"}}, Keras 2 "float32", or absent); mixed and quantized policies are refused.
    public func requireFloat32() throws {
        guard let v = self["dtype"], !v.isNull else { return }
        let name: KerasConfigValue? = if case .string = v { v } else { v["config"]?["name"] }
        guard name == .string("float32") else { throw unsupported("dtype", name ?? v) }
    }

    /// `key` must be absent, null, or one of `allowed` (e.g. renorm false); anything else is refused.
    public func refuse(_ key: String, unless allowed: [KerasConfigValue]) throws {
        if let v = self[key], !v.isNull, !allowed.contains(v) { throw unsupported(key, v) }
    }

    /// A Keras activation: a name ("relu"), or the {"config": "relu"} object of a serialized
    /// function; null or absent is "linear".
    public func activation(_ key: String = "activation") throws -> Activation {
        guard let v = self[key], !v.isNull else { return .linear }
        let name: String
        switch v {
        case .string(let s): name = s
        case .object:
            guard case .string(let s)? = v["config"] else { throw unsupported(key, v) }
            name = s
        default: throw invalid(key, "is \(v), not an activation name")
        }
        guard let a = Activation(kerasName: name, keras2: isKeras2) else { throw unsupported(key, .string(name)) }
        return a
    }
}
