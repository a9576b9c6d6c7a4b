import FeatureMaps
import FeatureMapsImages
import Hummingbird

extension ExplorerServer {
    /// POST /api/images[?model=m][&photo=NAME]: the body's JPEG or PNG bytes (or, with `photo`,
    /// a photo of --images or the built-in test image) decoded, prepared, classified and stored
    /// (at most UploadGate.defaultLimit at once);
    /// 201 with APIJSON.image. GET /api/images/{id}: the same JSON again. GET
    /// /api/images/{id}/input.png: the input as the network saw it (resized to its input size).
    func addImageRoutes(to router: Router<BasicRequestContext>) {
        router.post("/api/images") { request, _ in
            let model = try model(request.uri.queryParameters.get("model"))
            let image = try await uploads.run {
                let source = try await source(of: request)
                return try await Compute.run { try Self.classify(source, model: model) }
            }
            store.insert(image)
            return Reply.json(APIJSON.image(image), status: .created)
        }
        router.get("/api/images/:id") { _, context in
            Reply.json(APIJSON.image(try image(try context.parameters.require("id"))))
        }
        router.get("/api/images/:id/input.png") { _, context in
            let image = try image(try context.parameters.require("id"))
            return Reply.png(try await Compute.run { try PNGOutput.encode(image.prepared.networkImage) })
        }
    }

    /// What an upload holds: bytes to decode, a listed photo's file, or the built-in image.
    enum UploadSource: Sendable {
        case bytes([UInt8], name: String)
        case file(path: String, name: String)
        case picture(RGBImage, name: String)
    }

    /// The body, refused past maxUploadBytes by its Content-Length before it is read, and while
    /// it is read when it has none; or the photo that `photo=` names.
    func source(of request: Request) async throws -> UploadSource {
        if let name = request.uri.queryParameters.get("photo") {
            if name == BuiltInImage.name { return .picture(BuiltInImage.notebookTestImage(), name: name) }
            guard let path = photos.paths[name] else { throw APIError.unknownPhoto(name) }
            return .file(path: path, name: name)
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Self.maxUploadBytes {
            throw APIError.bodyTooLarge(limit: Self.maxUploadBytes)
        }
        let buffer = try await request.body.collect(upTo: Self.maxUploadBytes)
        guard buffer.readableBytes > 0 else { throw APIError.emptyBody }
        return .bytes(Array(buffer.readableBytesView), name: "upload")
    }

    /// Decodes and prepares the image for `model` and computes its top 5 classes (fewer when the
    /// model has fewer; none without a class vector), with one of the model's pooled passes.
    static func classify(_ source: UploadSource, model: ServedModel) throws -> StoredImage {
        let session = model.session
        let prepared: PreparedImage
        switch source {
        case let .bytes(bytes, name): prepared = try session.prepare(imageData: bytes, name: name)
        case let .file(path, name):
            prepared = session.prepare(try ImageDecoder.decode(contentsOfFile: path, maxPixels: Session.maxImagePixels), path: name)
        case let .picture(picture, name): prepared = session.prepare(picture, path: name)
        }
        let k = min(5, session.labels?.count ?? 0)
        let top = k == 0 ? [] : try model.passes.with { try session.classify(prepared, top: k, using: $0) }
        return StoredImage(id: ImageStore.newID(), model: model, prepared: prepared, top: top)
    }
}
