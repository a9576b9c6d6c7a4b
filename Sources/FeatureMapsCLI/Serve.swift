import ArgumentParser
import FeatureMaps
import FeatureMapsServer
import Foundation

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explore the feature maps of your photos in a browser: a local HTTP server with a JSON/PNG API.",
        discussion: """
            Serves one or more networks (--model and --weights, each repeatable; none: MobileNetV2 found as the other \
            commands find it) at http://HOST:PORT/, printed once it listens. The API: GET /api/models, \
            /api/models/{m}/layers; POST /api/images (JPEG or PNG bytes); GET /api/images/{id}/layers/{layer}/grid.png, \
            .../channels/{c}.png|.npy, /api/images/{id}/explain.png (see the README). Uploads: at most 20 MB; the \
            \(ExplorerServer.defaultCapacity) most recently used images are kept. Stop it with Ctrl-C.
            """)

    @Option(name: .long, help: ArgumentHelp("A Keras model file (.keras or full-model .h5) to serve; repeatable.", valueName: "file"))
    var model: [String] = []

    @Option(name: .long, help: ArgumentHelp("Keras MobileNetV2 weights (.h5) to serve; repeatable.", valueName: "file"))
    var weights: [String] = []

    @Option(name: .long, help: ArgumentHelp("A folder of JPEG/PNG photos the page offers (listed at start).", valueName: "dir"))
    var images: String?

    @Option(name: .long, help: ArgumentHelp("A folder of top-images results (<layer>_top.json, .png) shown with channels.", valueName: "dir"))
    var examples: String?

    @Option(name: .long, parsing: .unconditional, help: "The TCP port (0: any free one).")
    var port = 8080

    @Option(name: .long, help: "The address to listen on. Anything but loopback lets anyone on the network use it.")
    var host = "127.0.0.1"

    @Flag(name: .long, help: "Never download weights (as FEATUREMAPS_OFFLINE=1).")
    var offline = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port \(port) is out of range: use 0 to 65535") }
        if host.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--host is empty; give an address such as 127.0.0.1") }
    }

    func run() throws {
        try Report.running {
            let sessions =
                try model.map { try Session.open(modelPath: $0, inputSize: nil, preprocessing: nil, labelsPath: nil) }
                + (model.isEmpty && weights.isEmpty ? [nil] : weights.map { Optional($0) }).map {
                    try Session.open(weightsFlag: $0, offline: offline)
                }
            let server = ExplorerServer(
                models: ServedModel.all(sessions), photos: try images.map(PhotoFolder.init(directory:)) ?? PhotoFolder(),
                examples: try examples.map(ExampleFolder.init(directory:)) ?? ExampleFolder())
            if !Self.isLoopback(host) {
                Report.warn("listening on \(host), not loopback: anyone who can reach this machine on the network can use the server")
            }
            let host = self.host
            let app = server.application(host: host, port: port) { bound in
                // Unbuffered, so that a script reading a pipe sees the line at once.
                let line = "featuremaps serve: http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/ (Ctrl-C stops it)\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
            try Self.block { try await app.runService() }
            return .success
        }
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Runs an async body to its end from the synchronous command (ArgumentParser's run()).
    static func block(_ body: @escaping @Sendable () async throws -> Void) throws {
        final class Outcome: @unchecked Sendable { var failure: Error? }  // written before `done` is signalled
        let outcome = Outcome(), done = DispatchSemaphore(value: 0)
        Task {
            do { try await body() } catch { outcome.failure = error }
            done.signal()
        }
        done.wait()
        if let failure = outcome.failure { throw failure }
    }
}
