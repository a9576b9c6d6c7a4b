import Foundation
import FeatureMapsImages

/// The images a PATH list names, in the order `top-images` reads them: each argument in turn; a
/// file as it is; a folder walked recursively, its JPEG and PNG files (by content, not by name)
/// sorted by path (byte order); `@list.txt` the paths it holds, one a line (blank lines and lines
/// starting with "#" skipped; relative paths as given, i.e. from the current directory).
/// A named path that does not exist is kept, so that reading it fails and is reported.
public enum ImageList {
    public static func expand(_ arguments: [String]) throws -> [String] {
        var out: [String] = []
        for a in arguments {
            if a.hasPrefix("@") {
                let file = String(a.dropFirst())
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw TopImagesError.listUnreadable(file)
                }
                out += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") }
                continue
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: a, isDirectory: &isDirectory), isDirectory.boolValue {
                out += walk(a)
            } else {
                out.append(a)
            }
        }
        return out
    }

    /// The JPEG and PNG files under `folder`, sorted by path.
    static func walk(_ folder: String) -> [String] {
        let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        guard let e = FileManager.default.enumerator(atPath: folder) else { return [] }
        var files: [String] = []
        while let relative = e.nextObject() as? String {
            let path = base + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            if isImage(path) { files.append(path) }
        }
        return files.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// JPEG or PNG by its first bytes.
    static func isImage(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        guard let head = try? h.read(upToCount: 16) else { return false }
        return ImageFormat(sniffing: [UInt8](head)) != nil
    }
}
