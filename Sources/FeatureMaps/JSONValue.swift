import Foundation

/// A JSON value whose objects keep their key order, so `--json` output reads like the text output.
public indirect enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    /// Written as Swift's shortest decimal for the Float ("0.1", not Double's "0.10000000149011612").
    case float(Float)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.encoded() == b.encoded() }

    /// Compact, or indented by two spaces when `pretty`.
    public func encoded(pretty: Bool = false, indent: Int = 0) -> String {
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let end = pretty ? "\n" + String(repeating: "  ", count: indent) : ""
        let sep = pretty ? ",\n" : ","
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? "\(d)" : "null"
        case .float(let f): return f.isFinite ? "\(f)" : "null"
        case .string(let s): return Self.quote(s)
        case .array(let items):
            if items.isEmpty { return "[]" }
            let body = items.map { pad + $0.encoded(pretty: pretty, indent: indent + 1) }.joined(separator: sep)
            return "[" + (pretty ? "\n" : "") + body + end + "]"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            let colon = pretty ? ": " : ":"
            let body = fields.map { pad + Self.quote($0.0) + colon + $0.1.encoded(pretty: pretty, indent: indent + 1) }
                .joined(separator: sep)
            return "{" + (pretty ? "\n" : "") + body + end + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
