import FeatureMaps
import Hummingbird

extension ExplorerServer {
    /// GET /api/models, GET /api/models/{m}/layers.
    func addModelRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api/models") { _, _ in
            Reply.json(.object([("models", .array(models.map(APIJSON.model)))]))
        }
        router.get("/api/models/:model/layers") { _, context in
            Reply.json(APIJSON.layers(try model(try context.parameters.require("model"))))
        }
    }
}
