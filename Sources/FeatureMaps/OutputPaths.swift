/// Names of the files commands write.
public enum OutputPaths {
    /// A layer name as a file name part: "/", ":" and control characters become "_".
    public static func safe(_ layer: String) -> String {
        String(layer.unicodeScalars.map { $0 == "/" || $0 == ":" || $0.properties.generalCategory == .control ? "_" : Character($0) })
    }

    /// "DIR/<image stem>_<layer>.<ext>"; "./" is left out for the current directory. In the
    /// layer's part, "/" (a nested layer, "base/Conv1"), ":" (a shared layer's call, "conv:1") and
    /// control characters become "_": a name from a model file never leaves DIR.
    public static func file(directory: String, stem: String, layer: String, extension ext: String) -> String {
        let name = "\(stem)_\(safe(layer)).\(ext)"
        if directory == "." || directory.isEmpty { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

/// Output stems for the inputs of one run, so that two inputs never write the same file: the
/// same image given twice, or `a/cat.png` and `b/cat.jpg` (both "cat"). The first input keeps its
/// stem; a later one gets "<stem>-2", "<stem>-3", ... (the first that no earlier input used).
public struct OutputStems {
    private var used: Set<String> = []

    public init() {}

    public mutating func claim(_ stem: String) -> String {
        var candidate = stem
        var n = 2
        while used.contains(candidate) {
            candidate = "\(stem)-\(n)"
            n += 1
        }
        used.insert(candidate)
        return candidate
    }
}
