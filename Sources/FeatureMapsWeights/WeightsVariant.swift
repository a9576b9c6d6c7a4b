import Foundation

/// One of Keras's published ImageNet MobileNetV2 weights files: width `alpha`, the input size
/// `rows` it was trained at, with or without the classification top. Keras names it
/// `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_<alpha>_<rows>[_no_top].h5`, with alpha
/// spelled as Python's `str(float(alpha))` ("0.35", "0.5", "1.0").
public struct WeightsVariant: Sendable, Equatable, CustomStringConvertible {
    /// The widths and resolutions Keras publishes weights for (keras/src/applications/mobilenet_v2.py).
    public static let alphas = ["0.35", "0.5", "0.75", "1.0", "1.3", "1.4"]
    public static let rowsValues = [96, 128, 160, 192, 224]
    /// What `keras.applications.MobileNetV2()` uses by default, and what every command looks for.
    public static let standard = WeightsVariant(checkedAlpha: "1.0", rows: 224, includeTop: true)

    /// Keras's spelling of the width, one of `alphas`.
    public let alpha: String
    public let rows: Int
    public let includeTop: Bool

    /// Accepts any spelling of a published width ("1", "1.00", ".5"); refuses other values,
    /// listing the valid ones.
    public init(alpha: String = "1.0", rows: Int = 224, includeTop: Bool = true) throws {
        guard let canonical = Self.canonicalAlpha(alpha) else { throw WeightsError.unknownAlpha(alpha) }
        guard Self.rowsValues.contains(rows) else { throw WeightsError.unknownRows(rows) }
        self.init(checkedAlpha: canonical, rows: rows, includeTop: includeTop)
    }

    private init(checkedAlpha: String, rows: Int, includeTop: Bool) {
        alpha = checkedAlpha
        self.rows = rows
        self.includeTop = includeTop
    }

    /// "1" -> "1.0", "0.350" -> "0.35"; nil for a width Keras publishes no weights for.
    public static func canonicalAlpha(_ text: String) -> String? {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)) else { return nil }
        return alphas.first { Double($0) == value }
    }

    public var alphaValue: Double { Double(alpha)! }

    /// Keras's file name for this variant.
    public var fileName: String { WeightsLocator.kerasFileName(alpha: alpha, rows: rows, includeTop: includeTop) }

    /// "alpha 1.0, 224 x 224, with top".
    public var description: String { "alpha \(alpha), \(rows) x \(rows), \(includeTop ? "with top" : "without top")" }

    /// The variant a Keras file name stands for, or nil when the name is not one of Keras's.
    public static func parse(fileName: String) -> WeightsVariant? {
        let prefix = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_"
        guard fileName.hasPrefix(prefix), fileName.hasSuffix(".h5") else { return nil }
        var rest = fileName.dropFirst(prefix.count).dropLast(3)
        let includeTop = !rest.hasSuffix("_no_top")
        if !includeTop { rest = rest.dropLast("_no_top".count) }
        let parts = rest.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, alphas.contains(String(parts[0])), let rows = Int(parts[1]), rowsValues.contains(rows) else {
            return nil
        }
        return WeightsVariant(checkedAlpha: String(parts[0]), rows: rows, includeTop: includeTop)
    }
}
