import FeatureMaps
import FeatureMapsRender
import Hummingbird

/// The query parameters of the picture routes, each checked on its own: a value the API does not
/// take is a 400 that names the parameter and what it takes.
struct QueryOptions {
    let query: Parameters
    /// The most tiles one grid.png draws (MobileNetV2's widest layer has 1,280 channels).
    static let maxChannels = 2048

    init(_ request: Request) { query = request.uri.queryParameters }

    /// The raw value, percent-decoded by Hummingbird; nil when absent.
    func text(_ name: String) -> String? { query.get(name) }

    /// A whole number in `range`, or `fallback` when absent.
    func int(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let t = text(name) else { return fallback }
        guard let v = Int(t), range.contains(v) else {
            throw APIError.badParameter(name: name, value: t, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    /// One of `E`'s raw values, or `fallback` when absent.
    func choice<E: RawRepresentable & CaseIterable>(_ name: String, default fallback: E) throws -> E where E.RawValue == String {
        guard let t = text(name) else { return fallback }
        guard let v = E(rawValue: t) else {
            throw APIError.badParameter(name: name, value: t, expected: E.allCases.map(\.rawValue).joined(separator: " or "))
        }
        return v
    }

    /// grid.png's channels: `select` (first|strongest) of `channels` (default 16), or `list`
    /// (0,5,9-12) alone.
    func selection() throws -> ChannelSelection {
        let mode: SelectionMode = try choice("select", default: .first)
        let count = try text("channels").map { _ in try int("channels", in: 1...Self.maxChannels, default: 16) }
        do {
            return try ChannelSelection(count: count, list: text("list"), mode: mode)
        } catch let e as RenderError {
            throw APIError.badQuery(ErrorAnswer.describe(e))
        }
    }
}

/// The methods explain.png draws (ExplainMethod without `both`: one picture per request).
enum ExplainPicture: String, CaseIterable {
    case gradcam
    case saliency

    var method: ExplainMethod { self == .gradcam ? .gradcam : .saliency }
}
