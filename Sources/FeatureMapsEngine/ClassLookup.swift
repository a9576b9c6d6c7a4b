// Resolving the class a user names (`--class`): "auto", an index, a WordNet id, or a label.

extension ImageNet {
    /// The two "crane" classes share every lemma; only these words (and the WordNet id) tell them apart.
    static let hints = ["n02012849": "the bird", "n03126707": "the machine"]

    /// "134 crane (n02012849, the bird)", "88 macaw (n01818515)", with all lemmas when there are several.
    public static func describe(_ c: ImageNetClass) -> String {
        let hint = hints[c.wordNetID].map { ", " + $0 } ?? ""
        return "\(c.index) \(c.lemmas) (\(c.wordNetID)\(hint))"
    }

    /// What `text` asks for, for a model with `classes` classes:
    /// - "auto": the most probable class;
    /// - digits: that index (0-based, Keras's order);
    /// - a WordNet id ("n01818515");
    /// - a name: case, spaces, "_" and "-" are ignored, and it must equal one lemma of exactly one
    ///   class ("egyptian_cat", "Tabby Cat"). A name several classes share (crane, panda, ...)
    ///   throws `ambiguousClass` listing them; a name none has throws `unknownClass` with up to five
    ///   suggestions (`suggestions(for:)`). Nothing is guessed: a near miss is an error that names
    ///   the candidates.
    /// Names and WordNet ids need the 1000 ImageNet classes.
    public static func resolve(_ text: String, classes: Int) throws -> ClassChoice {
        let query = normalize(text)
        if query == "auto" { return .top1 }
        if !query.isEmpty, query.allSatisfy(\.isASCII), query.allSatisfy(\.isNumber) {
            guard let i = Int(query), i < classes else { throw EngineError.classOutOfRange(Int(query) ?? Int.max, classes: classes) }
            return .index(i)
        }
        guard classes == self.classes.count else { throw EngineError.unknownClass(text, suggestions: []) }
        if let c = self.classes.first(where: { $0.wordNetID.lowercased() == query }) { return .index(c.index) }
        let matches = self.classes.filter { lemmas(of: $0).contains(query) }
        if matches.count == 1 { return .index(matches[0].index) }
        if matches.count > 1 { throw EngineError.ambiguousClass(text, candidates: matches.map(describe)) }
        throw EngineError.unknownClass(text, suggestions: suggestions(for: query).map { describe(self.classes[$0]) })
    }

    /// Lower case, "_" and "-" as spaces, runs of spaces as one, trimmed.
    static func normalize(_ text: String) -> String {
        let spaced = text.lowercased().map { $0 == "_" || $0 == "-" ? " " : $0 }
        return String(spaced).split(separator: " ").joined(separator: " ")
    }

    static func lemmas(of c: ImageNetClass) -> [String] {
        c.lemmas.components(separatedBy: ", ").map(normalize)
    }

    /// Up to `count` class indices for a name no lemma equals: classes with a lemma holding it as
    /// whole words ("cat" in "tabby cat"), then as part of a word ("cat" in "bullfrog, Rana
    /// catesbeiana"), each in class order, then the classes whose closest lemma is fewest edits away.
    static func suggestions(for query: String, count: Int = 5) -> [Int] {
        let words = classes.filter { lemmas(of: $0).contains { " \($0) ".contains(" \(query) ") } }.map(\.index)
        let parts = classes.filter { lemmas(of: $0).contains { $0.contains(query) } }.map(\.index)
        var picked = words + parts.filter { !words.contains($0) }
        if picked.count < count {
            let target = Array(query.utf8)
            let byDistance = classes.map { c in
                (c.index, lemmas(of: c).map { editDistance(target, Array($0.utf8)) }.min() ?? Int.max)
            }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.map(\.0)
            picked += byDistance.filter { !picked.contains($0) }
        }
        return Array(picked.prefix(count))
    }
}
