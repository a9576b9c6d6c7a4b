// Resolving the layer names a user types: exact Keras names, the classroom aliases
// `block_N_conv1` (N = 1...16, = `block_N_expand_relu`), and suggestions for typos.

/// A user-typed layer name resolved to a Keras layer.
public struct ResolvedLayer: Sendable, Equatable {
    /// What the user typed.
    public let requested: String
    public let layer: LayerInfo
    /// True when `requested` is an alias (block_N_conv1) rather than the Keras name.
    public var isAlias: Bool { requested != layer.name }
}

public enum LayerLookupError: Error, Equatable, Sendable {
    /// No layer of that name; `suggestions` are the closest real names (at most three).
    case unknownLayer(String, suggestions: [String])
}

extension LayerLookupError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unknownLayer(let name, let suggestions):
            let hint = suggestions.isEmpty ? "" : " Did you mean \(suggestions.joined(separator: ", "))?"
            return "no layer named '\(name)' in MobileNetV2.\(hint) Run 'featuremaps layers' for the full list."
        }
    }
}

public struct LayerLookup: Sendable {
    public let layers: [LayerInfo]
    private let byName: [String: LayerInfo]
    private let byAlias: [String: LayerInfo]

    public init(layers: [LayerInfo]) {
        self.layers = layers
        byName = Dictionary(uniqueKeysWithValues: layers.map { ($0.name, $0) })
        byAlias = Dictionary(uniqueKeysWithValues: layers.compactMap { l in l.alias.map { ($0, l) } })
    }

    public func resolve(_ name: String) throws -> ResolvedLayer {
        if let l = byName[name] ?? byAlias[name] { return ResolvedLayer(requested: name, layer: l) }
        throw LayerLookupError.unknownLayer(name, suggestions: suggestions(for: name))
    }

    /// The three real names (or aliases) closest to `name` by edit distance, closest first.
    public func suggestions(for name: String, count: Int = 3) -> [String] {
        let candidates = layers.map(\.name) + layers.compactMap(\.alias)
        let target = Array(name.lowercased().utf8)
        let scored = candidates.map { ($0, editDistance(target, Array($0.lowercased().utf8))) }
        return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(count).map(\.0)
    }
}

/// Levenshtein distance between two byte strings.
func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
