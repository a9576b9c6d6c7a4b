import Foundation

/// The result files of `top-images`, as bytes: the same rows give the same bytes.
///   CSV:  channel,rank,image,value,map_y,map_x,y0,y1,x0,x1   one line per entry, channel then rank;
///         value "%.9g" (float32 round-trips); the box half-open, y0..<y1 x x0..<x1, original pixels;
///         an image path holding a comma, quote or line break is quoted (RFC 4180).
///   JSON: {"layer", "score", "k", "channels", "model", "input_size", "rows": [{channel, rank, image,
///         value, map_y, map_x, box: [y0, y1, x0, x1]}]}
public enum TopImagesTable {
    public static let header = "channel,rank,image,value,map_y,map_x,y0,y1,x0,x1"

    public static func csv(_ rows: [TopImageRow]) -> String {
        var out = header + "\n"
        for r in rows {
            let fields = [
                String(r.channel), String(r.rank), quoted(r.image), format(r.value), String(r.mapY), String(r.mapX),
                String(r.box.rows.lowerBound), String(r.box.rows.upperBound), String(r.box.cols.lowerBound), String(r.box.cols.upperBound),
            ]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    public static func json(_ rows: [TopImageRow], header h: TopImagesHeader) -> String {
        let items = rows.map { r in
            JSONValue.object([
                ("channel", .int(r.channel)), ("rank", .int(r.rank)), ("image", .string(r.image)),
                ("value", .double(Double(r.value))), ("map_y", .int(r.mapY)), ("map_x", .int(r.mapX)),
                (
                    "box",
                    .array([r.box.rows.lowerBound, r.box.rows.upperBound, r.box.cols.lowerBound, r.box.cols.upperBound].map { .int($0) })
                ),
            ])
        }
        return JSONValue.object([
            ("layer", .string(h.layer)), ("score", .string(h.score.rawValue)), ("k", .int(h.k)),
            ("channels", .array(h.channels.map { .int($0) })), ("model", .string(h.model)),
            ("input_size", .string(h.inputSize)), ("rows", .array(items)),
        ]).encoded(pretty: true) + "\n"
    }

    static func format(_ v: Float) -> String { String(format: "%.9g", Double(v)) }

    static func quoted(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
