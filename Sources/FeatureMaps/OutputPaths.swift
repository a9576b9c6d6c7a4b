/// Names of the files commands write.
public enum OutputPaths {
    /// "DIR/<image stem>_<layer>.<ext>"; "./" is left out for the current directory.
    public static func file(directory: String, stem: String, layer: String, extension ext: String) -> String {
        let name = "\(stem)_\(layer).\(ext)"
        if directory == "." || directory.isEmpty { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
