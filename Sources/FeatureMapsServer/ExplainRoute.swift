import FeatureMaps
import HTTPTypes
import Hummingbird

extension ExplorerServer {
    /// GET /api/images/{id}/explain.png?method=gradcam|saliency&class=auto|INDEX|NAME&layer=L:
    /// ExplainJob's picture for the class (auto: the most probable; an index, a WordNet id or a
    /// label) at layer L (default Session.defaultGradCAMLayer), one forward and one backward pass.
    /// The explained class is in the headers X-Class-Index, X-Class-Label and X-Class-Probability.
    func addExplainRoute(to router: Router<BasicRequestContext>) {
        router.get("/api/images/:id/explain.png") { request, context in
            let image = try image(try context.parameters.require("id"))
            let options = QueryOptions(request)
            let picture: ExplainPicture = try options.choice("method", default: .gradcam)
            let session = image.model.session
            let classChoice = try session.resolveClass(options.text("class") ?? "auto")
            let layer = try session.resolve(try options.text("layer") ?? session.defaultGradCAMLayer())
            let (png, explained) = try await Compute.run {
                let job = try ExplainJob(
                    session: session, classChoice: classChoice, layer: layer, method: picture.method, topChannels: nil, threads: 1)
                let pictures = try job.pictures(image.prepared)
                let drawn = picture == .gradcam ? pictures.gradCAM : pictures.saliency
                return (try PNGOutput.encode(drawn!, text: [("Method", picture.rawValue), ("Layer", layer.layer.name)]), pictures.explained)
            }
            var response = Reply.png(png)
            response.headers[HTTPField.Name("X-Class-Index")!] = String(explained.index)
            response.headers[HTTPField.Name("X-Class-Label")!] = Self.headerSafe(explained.label)
            response.headers[HTTPField.Name("X-Class-Probability")!] = "\(explained.probability)"
            return response
        }
    }

    /// A label as a header value: ASCII printable only (others become '?').
    static func headerSafe(_ text: String) -> String {
        String(text.unicodeScalars.map { (0x20..<0x7F).contains($0.value) ? Character($0) : "?" })
    }
}
