import FeatureMaps
import Hummingbird
import Logging
import NIOCore

/// The explorer's HTTP server: the JSON/PNG API over the served models (README, "Explore in a
/// browser"). Every name in a request is looked up in what the server holds (model ids, image
/// ids it made, layer names of the model, photo names listed at start): no request path reaches
/// the file system.
public struct ExplorerServer: Sendable {
    /// Uploads above this are refused with 413 (the decoder's pixel limit, Session.maxImagePixels, also gives 413).
    public static let maxUploadBytes = 20 << 20
    /// How many uploaded images are kept unless told otherwise (ImageStore states the memory bound).
    public static let defaultCapacity = ImageStore.defaultCapacity

    public let models: [ServedModel]
    public let photos: PhotoFolder
    public let examples: ExampleFolder
    let store: ImageStore
    let uploads = UploadGate()

    /// `capacity`: how many uploaded images are kept (LRU; ImageStore states the memory bound).
    public init(
        models: [ServedModel], photos: PhotoFolder = PhotoFolder(), examples: ExampleFolder = ExampleFolder(),
        capacity: Int = ExplorerServer.defaultCapacity, layerBudget: Int = 128 << 20
    ) {
        precondition(!models.isEmpty, "the explorer needs at least one model")
        self.models = models
        self.photos = photos
        self.examples = examples
        store = ImageStore(capacity: capacity, layerBudget: layerBudget)
    }

    /// The uploaded images kept at most (the LRU store's capacity).
    public var capacity: Int { store.capacity }

    /// Every route, behind the middleware that turns errors into `{"error": "..."}`.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorMiddleware())
        addModelRoutes(to: router)
        addImageRoutes(to: router)
        addLayerRoutes(to: router)
        addExplainRoute(to: router)
        addFolderRoutes(to: router)
        return router
    }

    /// The application listening on `host`:`port` (port 0: a free one); `onRunning` is called
    /// with the bound port once it accepts connections. Logs warnings and errors only.
    public func application(
        host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "featuremaps-serve")
        logger.logLevel = .warning
        return Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "featuremaps"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// The model `id` names; with no id, the only model (400 when there are several).
    func model(_ id: String?) throws -> ServedModel {
        guard let id else {
            guard models.count == 1 else { throw APIError.modelNeeded(known: models.map(\.id)) }
            return models[0]
        }
        guard let m = models.first(where: { $0.id == id }) else { throw APIError.unknownModel(id, known: models.map(\.id)) }
        return m
    }

    func image(_ id: String) throws -> StoredImage {
        guard let image = store.image(id) else { throw APIError.unknownImage(id) }
        return image
    }
}

/// The served model ids made from sessions in order (ServedModel.init avoids repeats).
extension ServedModel {
    public static func all(_ sessions: [Session]) -> [ServedModel] {
        var models: [ServedModel] = []
        for s in sessions { models.append(ServedModel(session: s, takenIDs: models.map(\.id))) }
        return models
    }
}
