import Foundation
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsRender
import Hummingbird

extension ExplorerServer {
    /// The layer routes of a stored image ({layer}: a layer name of the image's model, percent-
    /// encoded; a nested model's "outer/inner" as outer%2Finner):
    ///   GET /api/images/{id}/layers/{layer}                 shape and every channel's min/max/mean
    ///   GET /api/images/{id}/layers/{layer}/grid.png        ?select=first|strongest&channels=N|list=0,5,9-12
    ///                                                       &normalize=channel|layer&columns=C
    ///   GET /api/images/{id}/layers/{layer}/channels/{c}     min/max/mean, width, height, values
    ///   GET /api/images/{id}/layers/{layer}/channels/{c}.png ?normalize=channel|layer&width=W
    ///   GET /api/images/{id}/layers/{layer}/channels/{c}.npy float32 (H, W)
    func addLayerRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api/images/:id/layers/:layer") { _, context in
            let (choice, value) = try await layerValue(context)
            let statistics = try LayerPictures.statistics(value, layer: choice)
            return Reply.json(APIJSON.layer(choice, shape: value.shape.dims, statistics: statistics))
        }
        router.get("/api/images/:id/layers/:layer/grid.png") { request, context in
            let options = QueryOptions(request)
            let selection = try options.selection()
            let normalization: Normalization = try options.choice("normalize", default: .channel)
            let columns = try options.int("columns", in: 1...64, default: 8)
            let (choice, value) = try await layerValue(context)
            return Reply.png(
                try await Compute.run {
                    let grid = try LayerPictures.grid(value, layer: choice, selection: selection, columns: columns, normalization: normalization)
                    return try PNGOutput.encode(grid.image, text: [("Layer", choice.layer.name)])
                })
        }
        router.get("/api/images/:id/layers/:layer/channels/:channel") { request, context in
            let (channel, format) = try Self.channelPath(try context.parameters.require("channel"))
            let options = QueryOptions(request)
            let normalization: Normalization = try options.choice("normalize", default: .channel)
            let width = try options.int("width", in: 1...2048, default: 1)
            let (choice, value) = try await layerValue(context)
            switch format {
            case .json: return Reply.json(APIJSON.channel(choice, channel: channel, try LayerPictures.values(value, layer: choice, channel: channel)))
            case .npy:
                let v = try LayerPictures.values(value, layer: choice, channel: channel)
                return Reply.npy(NPY.encode(float32: v.values, shape: [v.height, v.width]))
            case .png:
                return Reply.png(
                    try await Compute.run {
                        try PNGOutput.encode(
                            try LayerPictures.channel(value, layer: choice, channel: channel, normalization: normalization, minWidth: width))
                    })
            }
        }
    }

    enum ChannelFormat { case json, png, npy }

    /// "3" -> (3, json), "3.png", "3.npy"; anything else (a sign, spaces, another suffix) 404.
    static func channelPath(_ text: String) throws -> (Int, ChannelFormat) {
        let (number, format): (Substring, ChannelFormat) =
            text.hasSuffix(".png") ? (text.dropLast(4), .png) : text.hasSuffix(".npy") ? (text.dropLast(4), .npy) : (Substring(text), .json)
        guard !number.isEmpty, number.count <= 6, number.allSatisfy({ $0.isASCII && $0.isNumber }), let c = Int(number) else {
            throw APIError.badChannel(text)
        }
        return (c, format)
    }

    /// The stored image the route names, the layer resolved in its model (the path segment
    /// percent-decoded, then looked up: LayerLookupError or GraphError when unknown, 404) and its
    /// value, from LayerCache or computed by a forward pass that stops after that layer.
    func layerValue(_ context: BasicRequestContext) async throws -> (LayerChoice, NDArray) {
        let image = try image(try context.parameters.require("id"))
        let raw = try context.parameters.require("layer")
        let name = raw.removingPercentEncoding ?? raw
        let choice = try image.model.session.resolve(name)
        if let cached = store.layers.value(image: image.id, layer: choice.key) { return (choice, cached) }
        let value = try await Compute.run {
            try image.model.passes.with { try $0.run(image.prepared.tensor, keys: [choice.key])[choice.key]! }
        }
        store.layers.insert(value, image: image.id, layer: choice.key)
        return (choice, value)
    }
}
