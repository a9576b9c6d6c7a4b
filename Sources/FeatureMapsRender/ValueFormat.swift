import Foundation

/// Short, deterministic text for activation values in titles and colour bars.
enum ValueFormat {
    /// `value` with at least `digits` significant digits, never in a longer form than needed:
    /// plain decimals for magnitudes in [0.001, 100000) ("0.00182", "3.77", "5000", "12345"),
    /// otherwise "1.82e-4" / "1.5e6" (no "+", no leading exponent zeros, no trailing mantissa
    /// zeros). Zero (of either sign) is "0"; non-finite values read "nan", "inf", "-inf".
    static func format(_ value: Float, digits: Int = 3) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == 0 { return "0" }
        let magnitude = abs(Double(value))
        if magnitude >= 0.001 && magnitude < 100_000 {
            let integerDigits = magnitude < 1 ? 1 : Int(log10(magnitude).rounded(.down)) + 1
            return tidyExponent(String(format: "%.\(max(digits, integerDigits))g", Double(value)))
        }
        return tidyExponent(String(format: "%.\(digits - 1)e", Double(value)))
    }

    /// "1.820e-04" -> "1.82e-4", "1.00e+05" -> "1e5"; text without an exponent is returned as is.
    static func tidyExponent(_ text: String) -> String {
        guard let e = text.firstIndex(of: "e") else { return text }
        var mantissa = Substring(text[..<e])
        if mantissa.contains(".") {
            while mantissa.last == "0" { mantissa.removeLast() }
            if mantissa.last == "." { mantissa.removeLast() }
        }
        let exponent = text[text.index(after: e)...]
        let sign = exponent.first == "-" ? "-" : ""
        let exponentDigits = exponent.drop(while: { $0 == "+" || $0 == "-" || $0 == "0" })
        return "\(mantissa)e\(sign)\(exponentDigits.isEmpty ? "0" : exponentDigits)"
    }

    /// `low` and `high` formatted with the fewest significant digits (3 to 6) that make them
    /// read differently when they differ, so a narrow range such as 100.01..100.02 is visible.
    static func formatPair(_ low: Float, _ high: Float) -> (low: String, high: String) {
        var pair = (format(low), format(high))
        var digits = 3
        while low != high, pair.0 == pair.1, digits < 6 {
            digits += 1
            pair = (format(low, digits: digits), format(high, digits: digits))
        }
        return pair
    }

    /// A probability in 0...1 as a percentage with one decimal: 0.8734 -> "87.3%".
    static func percent(_ probability: Float) -> String {
        guard probability.isFinite else { return "?%" }
        return String(format: "%.1f%%", Double(probability) * 100)
    }
}
