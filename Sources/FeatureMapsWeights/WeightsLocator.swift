import Foundation

/// Where the weights file comes from, in the order it is looked for.
public enum WeightsSource: String, Sendable {
    case flag = "--weights"
    case environment = "FEATUREMAPS_WEIGHTS"
    case kerasCache = "Keras cache"
    /// Not in the Keras cache: downloaded into it (see `WeightsPlan.download`).
    case download = "download"
}

/// What to do to get weights: use a file, or download one into the Keras cache first.
public enum WeightsPlan: Sendable, Equatable {
    case use(WeightsLocation)
    case download(url: String, path: String)
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
/// When none is there, the plan is to download Keras's file into the cache (unless downloading is
/// off). Never falls back to other weights.
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

    /// What to do for `variant`: the flag's or the environment's file (returned even if it does not
    /// exist: loading then says so), the cached file when it is there, else a download into the
    /// cache (`cacheDownload`); when downloading is off (`offline` or FEATUREMAPS_OFFLINE), an error
    /// saying what to do instead.
    public static func plan(
        flag: String?, variant: WeightsVariant = .standard, offline: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> WeightsPlan {
        if let found = found(flag: flag, variant: variant, environment: environment) { return .use(found) }
        return try cacheDownload(variant, offline: offline, environment: environment)
    }

    /// The download of Keras's file for `variant` into the Keras cache, from `DownloadSettings`' base
    /// URL, whether or not the file is there already; an error when downloading is off.
    public static func cacheDownload(
        _ variant: WeightsVariant, offline: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> WeightsPlan {
        let cached = cachePath(variant, environment: environment)
        if let why = DownloadSettings.offlineReason(flag: offline, environment: environment) {
            throw WeightsError.offline(path: cached, why: why)
        }
        return .download(url: try DownloadSettings(environment: environment).url(for: variant), path: cached)
    }

    /// Where `variant` lives in the Keras cache.
    public static func cachePath(_ variant: WeightsVariant, environment: [String: String]) -> String {
        kerasModelsDirectory(environment: environment) + "/" + variant.fileName
    }

    /// The file to use, without downloading: like `plan`, but a file missing from the cache is an
    /// error listing where it looked.
    public static func locate(
        flag: String?, variant: WeightsVariant = .standard,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> WeightsLocation {
        if let found = found(flag: flag, variant: variant, environment: environment) { return found }
        throw WeightsError.noWeights(searched: [
            "--weights (not given)", "$FEATUREMAPS_WEIGHTS (not set)",
            cachePath(variant, environment: environment),
        ])
    }

    /// The lookup both `plan` and `locate` make: the flag, the environment, the Keras cache.
    private static func found(flag: String?, variant: WeightsVariant, environment: [String: String]) -> WeightsLocation? {
        if let flag, !flag.isEmpty { return WeightsLocation(path: flag, source: .flag) }
        if let env = environment["FEATUREMAPS_WEIGHTS"], !env.isEmpty {
            return WeightsLocation(path: env, source: .environment)
        }
        let cached = cachePath(variant, environment: environment)
        return FileManager.default.fileExists(atPath: cached) ? WeightsLocation(path: cached, source: .kerasCache) : nil
    }
}

extension WeightsPlan {
    /// Carries the plan out: loads the file, or downloads `variant` into the cache (verified, see
    /// `WeightsDownloader.download`) and returns it loaded, reporting to `progress`.
    public func execute(
        _ variant: WeightsVariant, environment: [String: String] = ProcessInfo.processInfo.environment,
        progress: DownloadProgressHandler? = nil
    ) throws -> (weights: LoadedWeights, location: WeightsLocation) {
        switch self {
        case .use(let location):
            return (try WeightsLoader.load(path: location.path), location)
        case .download(let url, let path):
            let weights = try WeightsDownloader.download(
                variant, from: url, to: path,
                settings: try DownloadSettings(environment: environment), progress: progress)
            return (weights, WeightsLocation(path: path, source: .download))
        }
    }
}
