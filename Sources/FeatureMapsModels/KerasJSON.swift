import Foundation

/// A JSON value as Keras wrote it (config.json, model_config): typed, Sendable, comparable. Numbers
/// keep the distinction Python's json.dumps makes: `1` is `.int`, `1.0` is `.double` (an op node's
/// scalar 1.0 and a count 1 are different things to Keras). Object keys are unordered, as Keras
/// never relies on their order.
public indirect enum KerasJSON: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([KerasJSON])
    case object([String: KerasJSON])

    /// Why bytes are not a JSON value.
    public struct SyntaxError: Error, Equatable, Sendable {
        /// Foundation's description, or ours for non-finite numbers.
        public let reason: String
    }

    /// Parses `data` with Foundation's JSONSerialization, which refuses nesting deeper than 512
    /// (so no input can exhaust the stack here or in the walks over the result). Python writes
    /// NaN and Infinity as bare words, which JSON does not allow: they are refused as such.
    public static func parse(_ data: Data) throws -> KerasJSON {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            if containsNonFiniteLiteral(data) {
                throw SyntaxError(reason: "it holds NaN or Infinity, which featuremaps does not accept in a config")
            }
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "not valid JSON"
            throw SyntaxError(reason: detail)
        }
        return try convert(object)
    }

    /// Foundation's value tree -> KerasJSON. JSONSerialization makes booleans NSNumbers of type
    /// "c", integers "i"/"q"/"Q" (an unsigned value above Int.max becomes a double), decimals "d"
    /// or NSDecimalNumber.
    private static func convert(_ value: Any) throws -> KerasJSON {
        switch value {
        case is NSNull: return .null
        case let s as String: return .string(s)
        case let list as [Any]: return .array(try list.map(convert))
        case let dictionary as [String: Any]:
            var object: [String: KerasJSON] = [:]
            object.reserveCapacity(dictionary.count)
            for (key, item) in dictionary { object[key] = try convert(item) }
            return .object(object)
        case let number as NSNumber:
            if number is NSDecimalNumber { return .double(number.doubleValue) }
            switch String(cString: number.objCType) {
            case "c", "B": return .bool(number.boolValue)
            case "d", "f": return .double(number.doubleValue)
            case "Q":
                let unsigned = number.uint64Value
                return unsigned <= UInt64(Int.max) ? .int(Int(unsigned)) : .double(number.doubleValue)
            default: return .int(number.intValue)
            }
        default:
            throw SyntaxError(reason: "an unexpected value of type \(type(of: value))")
        }
    }

    /// True when `NaN`, `Infinity` or `-Infinity` stands outside a string (a rough scan: only
    /// used to explain a failure).
    private static func containsNonFiniteLiteral(_ data: Data) -> Bool {
        var inString = false, escaped = false
        let bytes = [UInt8](data)
        for (i, byte) in bytes.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            if byte == UInt8(ascii: "\"") { inString = true; continue }
            for word in ["NaN", "Infinity"] where bytes[i...].starts(with: word.utf8) { return true }
        }
        return false
    }
}

extension KerasJSON {
    public subscript(key: String) -> KerasJSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var int: Int? { if case .int(let i) = self { return i }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var array: [KerasJSON]? { if case .array(let a) = self { return a }; return nil }
    public var object: [String: KerasJSON]? { if case .object(let o) = self { return o }; return nil }
    public var isNull: Bool { self == .null }
    /// An int or a double as a Double.
    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
    /// Integers of an int or a list of ints (Keras's `kernel_size: 3` or `[3, 3]`).
    public var ints: [Int]? {
        if let i = int { return [i] }
        guard let a = array else { return nil }
        let values = a.compactMap(\.int)
        return values.count == a.count ? values : nil
    }
    /// The value without Keras's `shared_object_id` keys, at any depth: an artifact of
    /// serialization_lib's ObjectSharingScope (the same dtype policy object met twice), written into
    /// some configs of a `.keras` file and not of the `.h5` of the same model; it means nothing to a
    /// model that is only run.
    static func withoutSharingIDs(_ value: KerasJSON) -> KerasJSON {
        switch value {
        case .array(let items): return .array(items.map(withoutSharingIDs))
        case .object(var object):
            object["shared_object_id"] = nil
            return .object(object.mapValues(withoutSharingIDs))
        default: return value
        }
    }

    /// The value without one key (for a nested model's config without its layers).
    func removing(_ key: String) -> KerasJSON {
        guard case .object(var o) = self else { return self }
        o[key] = nil
        return .object(o)
    }
}
