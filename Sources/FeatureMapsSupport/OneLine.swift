/// `text` with control characters (C0, DEL, C1, and U+2028/U+2029) written as escapes (`\n`, `\r`,
/// `\t`, `\u{1B}`, ...), so a message stays one line whatever a file name, or a name read from a
/// damaged file, contains. Every one-line message of featuremaps (library errors and the command's
/// stderr lines) goes through this function.
public func escapingControlCharacters(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
