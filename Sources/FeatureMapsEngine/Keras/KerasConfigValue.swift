// A Keras config as it appears in config.json / model_config: plain JSON. Decodable, so a reader
// can decode a layer's "config" object straight into [String: KerasConfigValue].

/// One JSON value of a Keras layer config.
public enum KerasConfigValue: Sendable, Equatable, Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([KerasConfigValue])
    case object([String: KerasConfigValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([KerasConfigValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: KerasConfigValue].self))
        }
    }

    /// Compact JSON-like text, for messages: `"channels_first"`, `[1, 2]`, `{"name": ...}`.
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().prefix(4).map { "\"\($0)\": \(o[$0]!)" }.joined(separator: ", ")
                + (o.count > 4 ? ", ..." : "") + "}"
        }
    }

    public var isNull: Bool { self == .null }
    public subscript(key: String) -> KerasConfigValue? {
        if case .object(let o) = self { return o[key] } else { return nil }
    }

    /// A number, or Keras's serialized scalar arrays: {"class_name": "__numpy__" | "__tensor__",
    /// "config": {"value": ...}} holding one number.
    public var number: Double? {
        switch self {
        case .number(let d): return d
        case .bool: return nil
        default: return unwrappedArrayValue.flatMap { if case .number(let d) = $0 { return d } else { return nil } }
        }
    }

    /// The value inside Keras's {"class_name": "__numpy__" | "__tensor__", "config": {"value": v}}, or nil.
    var unwrappedArrayValue: KerasConfigValue? {
        guard case .string(let cls)? = self["class_name"], cls == "__numpy__" || cls == "__tensor__" else { return nil }
        return self["config"]?["value"]
    }

    /// A number or a (nested) list of numbers, as NumPy would read it: its shape and values in
    /// row-major order; nil when ragged or not numeric. Keras's serialized arrays are unwrapped.
    public var numericArray: (shape: [Int], values: [Double])? {
        if let inner = unwrappedArrayValue { return inner.numericArray }
        switch self {
        case .number(let d): return ([], [d])
        case .array(let items):
            let parts = items.map(\.numericArray)
            guard parts.allSatisfy({ $0 != nil }) else { return nil }
            let inner = parts.map { $0! }
            guard let first = inner.first else { return ([0], []) }
            guard inner.allSatisfy({ $0.shape == first.shape }) else { return nil }
            return ([items.count] + first.shape, inner.flatMap(\.values))
        default: return nil
        }
    }
}
