import FeatureMaps
import FeatureMapsEngine
import FeatureMapsRender

/// The JSON the API answers with, one function per kind of answer (README, "featuremaps serve").
enum APIJSON {
    /// One entry of GET /api/models: id, file name, input shape (H, W, C), classes (null without a
    /// class vector), preprocessing, and whether the scores are probabilities.
    static func model(_ m: ServedModel) -> JSONValue {
        .object([
            ("id", .string(m.id)), ("name", .string(m.name)), ("kind", .string(m.session.model == nil ? "model" : "weights")),
            ("input_shape", .array(m.session.inputShape.map { .int($0) })),
            ("classes", m.session.labels.map { .int($0.count) } ?? .null),
            ("probabilities", .bool(m.session.outputIsProbability)),
            ("preprocessing", .string(m.session.preprocessing.rawValue)),
        ])
    }

    /// GET /api/models/{m}/layers: every layer in Keras's order (name, class, shape, inbound,
    /// parameters, alias, nesting depth, and whether it has a map the explorer can draw).
    static func layers(_ m: ServedModel) -> JSONValue {
        .object([
            ("model", .string(m.id)),
            (
                "layers",
                .array(
                    m.session.layers.map { l in
                        .object([
                            ("name", .string(l.name)), ("class", .string(l.className)), ("shape", .array(l.shape.map { .int($0) })),
                            ("inbound", .array(l.inbound.map { .string($0) })), ("parameters", .int(l.parameters)),
                            ("alias", l.alias.map { .string($0) } ?? .null), ("depth", .int(l.depth)),
                            ("spatial", .bool(l.isSpatial)),
                        ])
                    })
            ),
        ])
    }

    /// POST /api/images: the id, the upload's size, the model, the network input size, and the top classes.
    static func image(_ image: StoredImage) -> JSONValue {
        .object([
            ("id", .string(image.id)), ("model", .string(image.model.id)),
            ("width", .int(image.prepared.originalWidth)), ("height", .int(image.prepared.originalHeight)),
            ("input_width", .int(image.prepared.networkImage.width)), ("input_height", .int(image.prepared.networkImage.height)),
            (
                "top",
                .array(
                    image.top.map { p in
                        .object([
                            ("index", .int(p.classIndex)), ("label", .string(p.label)),
                            ("wnid", p.imageNetClass.map { .string($0.wordNetID) } ?? .null),
                            ("probability", .float(p.probability)),
                        ])
                    })
            ),
        ])
    }

    /// GET /api/images/{id}/layers/{layer}: the layer, its shape and every channel's min, max and mean.
    static func layer(_ choice: LayerChoice, shape: [Int], statistics: [ChannelStatistics]) -> JSONValue {
        let range = ValueRange(spanning: statistics)
        return .object([
            ("layer", .string(choice.layer.name)), ("class", .string(choice.layer.className)),
            ("shape", .array(shape.map { .int($0) })),
            ("min", .float(range.low)), ("max", .float(range.high)),
            (
                "channels",
                .array(
                    statistics.enumerated().map { c, s in
                        .object([("index", .int(c)), ("min", .float(s.min)), ("max", .float(s.max)), ("mean", .double(s.mean))])
                    })
            ),
        ])
    }

    /// GET /api/images/{id}/layers/{layer}/channels/{c}: the map's statistics and values, row by row.
    static func channel(_ choice: LayerChoice, channel: Int, _ v: ChannelValues) -> JSONValue {
        .object([
            ("layer", .string(choice.layer.name)), ("channel", .int(channel)),
            ("width", .int(v.width)), ("height", .int(v.height)),
            ("min", .float(v.statistics.min)), ("max", .float(v.statistics.max)), ("mean", .double(v.statistics.mean)),
            ("values", .array(v.values.map { .float($0) })),
        ])
    }
}
