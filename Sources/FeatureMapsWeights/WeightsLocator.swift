import Foundation

/// Where the weights file comes from, in the order it is looked for.
public enum WeightsSource: String, Sendable {
    case flag = "--weights"
    case environment = "FEATUREMAPS_WEIGHTS"
    case kerasCache = "Keras cache"
}

public struct WeightsLocation: Sendable, Equatable {
    public let path: String
    public let source: WeightsSource

    public init(path: String, source: WeightsSource) {
        self.path = path
        self.source = source
    }
}

/// Finds the weights file: `--weights PATH`, else `$FEATUREMAPS_WEIGHTS`, else Keras's cache
/// (`$KERAS_HOME/models/`, or `~/.keras/models/` when KERAS_HOME is unset, as Keras does).
/// Never falls back to other weights.
public enum WeightsLocator {
    /// Keras's file name for the ImageNet MobileNetV2 of width `alpha` trained at `rows` pixels.
    public static func kerasFileName(alpha: String = "1.0", rows: Int = 224, includeTop: Bool = true) -> String {
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_\(alpha)_\(rows)\(includeTop ? "" : "_no_top").h5"
    }

    /// Keras's cache directory for downloaded models.
    public static func kerasModelsDirectory(environment: [String: String]) -> String {
        if let kerasHome = environment["KERAS_HOME"], !kerasHome.isEmpty { return kerasHome + "/models" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.keras/models"
    }

    /// The file to use. A flag or environment path is returned even if it does not exist (loading
    /// then says so); the cache is used only when the file is there.
    public static func locate(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> WeightsLocation
    {
        if let flag, !flag.isEmpty { return WeightsLocation(path: flag, source: .flag) }
        if let env = environment["FEATUREMAPS_WEIGHTS"], !env.isEmpty {
            return WeightsLocation(path: env, source: .environment)
        }
        let cached = kerasModelsDirectory(environment: environment) + "/" + kerasFileName()
        if FileManager.default.fileExists(atPath: cached) { return WeightsLocation(path: cached, source: .kerasCache) }
        throw WeightsError.noWeights(searched: ["--weights (not given)", "$FEATUREMAPS_WEIGHTS (not set)", cached])
    }
}
