import Foundation

/// `--labels FILE`: the names of a model's classes, in class order: a JSON list of strings, or
/// plain text with one label per line (UTF-8; "\r\n" line ends and a final newline are fine).
public enum LabelsFile {
    /// Largest labels file read: 16 MB.
    public static let maxBytes = 16 << 20

    public static func read(path: String) throws -> [String] {
        let data: Data
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            guard size <= maxBytes else { throw ModelFileError.labelsUnreadable(file: path, reason: "it is \(size) bytes, more than 16 MB") }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as ModelFileError {
            throw error
        } catch {
            throw ModelFileError.labelsUnreadable(file: path, reason: (error as NSError).localizedFailureReason ?? "no such file or not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ModelFileError.labelsUnreadable(file: path, reason: "it is not UTF-8 text")
        }
        if text.drop { $0.isWhitespace }.first == "[" {
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
