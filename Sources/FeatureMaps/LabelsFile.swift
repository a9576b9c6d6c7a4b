import Foundation

/// `--labels FILE`: the names of a model's classes, in class order: a JSON list of strings, or
/// plain text with one label per line (UTF-8; "\r\n" line ends and a final newline are fine).
public enum LabelsFile {
    /// Largest labels file read: 16 MB.
    public static let maxBytes = 16 << 20

    public static func read(path: String) throws -> [String] {
        // Read through a handle, at most 16 MB + 1 byte: works for pipes (--labels <(...)) too.
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
            throw ModelFileError.labelsUnreadable(file: path, reason: reason)
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: maxBytes + 1) ?? Data() } catch {
            throw ModelFileError.labelsUnreadable(file: path, reason: "reading failed (\(error.localizedDescription))")
        }
        guard data.count <= maxBytes else { throw ModelFileError.labelsUnreadable(file: path, reason: "it is more than 16 MB") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ModelFileError.labelsUnreadable(file: path, reason: "it is not UTF-8 text")
        }
        if text.drop(while: { $0.isWhitespace }).first == "[" {
            guard let list = try? JSONSerialization.jsonObject(with: data) as? [Any], let labels = list as? [String] else {
                throw ModelFileError.labelsUnreadable(file: path, reason: "it starts with '[' but is not a JSON list of strings")
            }
            return labels
        }
        // "\r\n" is one Character in Swift, and a newline.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        if let empty = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ModelFileError.labelsUnreadable(file: path, reason: "line \(empty + 1) is empty; every class needs a label")
        }
        return lines
    }
}
