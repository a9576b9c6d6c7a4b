import Foundation
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsWeights

/// An image ready for the network: decoded, resized without cropping, preprocessed.
public struct PreparedImage: Sendable {
    public let path: String
    /// The file name without directory and extension, used to name outputs (a command may
    /// replace it with a numbered one, see OutputStems).
    public var stem: String
    public let originalWidth: Int
    public let originalHeight: Int
    /// What the network sees, as pixels (inputSize x inputSize).
    public let networkImage: RGBImage
    /// `networkImage` through Keras's `preprocess_input` (x / 127.5 - 1), HxWx3.
    public let tensor: Tensor
}

/// Loaded weights plus the input size: what every command works with.
public struct Session: Sendable {
    public let weights: LoadedWeights
    public let location: WeightsLocation
    /// Images are resized to inputSize x inputSize (Keras MobileNetV2 default 224).
    public let inputSize: Int
    public let layerLookup: LayerLookup
    /// Images with more pixels than this are refused before decoding allocates them (Pillow's limit).
    public static let maxImagePixels = ImageDecoder.defaultMaxPixels

    /// Finds (flag, environment, Keras cache) and loads the weights; when none is found, downloads
    /// Keras's file for `variant` into the Keras cache first (unless `offline` or FEATUREMAPS_OFFLINE),
    /// reporting to `progress` (see `WeightsLocator.plan`, `WeightsDownloader`).
    public static func open(
        weightsFlag: String?, inputSize: Int = 224, variant: WeightsVariant = .standard,
        offline: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment,
        progress: DownloadProgressHandler? = nil
    ) throws -> Session {
        let plan = try WeightsLocator.plan(flag: weightsFlag, variant: variant, offline: offline, environment: environment)
        let (weights, location) = try plan.execute(variant, environment: environment, progress: progress)
        return Session(weights: weights, location: location, inputSize: inputSize)
    }

    public init(weights: LoadedWeights, location: WeightsLocation, inputSize: Int) {
        self.weights = weights
        self.location = location
        self.inputSize = inputSize
        layerLookup = LayerLookup(layers: weights.model.layers(height: inputSize, width: inputSize))
    }

    public var model: MobileNetV2 { weights.model }

    /// Resolves user-typed layer names (Keras names or block_N_conv1 aliases), in the given order,
    /// without duplicates.
    public func resolve(layers names: [String]) throws -> [ResolvedLayer] {
        var seen = Set<String>()
        return try names.compactMap { name in
            let r = try layerLookup.resolve(name)
            return seen.insert(r.requested).inserted ? r : nil
        }
    }

    /// Decodes (by content), makes RGB, resizes to inputSize x inputSize with PIL's antialiased
    /// bilinear filter (no crop), and preprocesses.
    public func prepare(imageAt path: String) throws -> PreparedImage {
        let decoded = try ImageDecoder.decode(contentsOfFile: path, maxPixels: Self.maxImagePixels)
        return prepare(decoded, path: path)
    }

    public func prepare(_ decoded: RGBImage, path: String) -> PreparedImage {
        let resized =
            decoded.width == inputSize && decoded.height == inputSize
            ? decoded : ImageResizer.resizeBilinear(decoded, width: inputSize, height: inputSize)
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return PreparedImage(
            path: path, stem: stem, originalWidth: decoded.width, originalHeight: decoded.height,
            networkImage: resized,
            tensor: Preprocess.mobileNetV2(rgb: resized.pixels, width: resized.width, height: resized.height))
    }

    /// The top `k` classes.
    public func classify(_ image: PreparedImage, top k: Int) throws -> [Prediction] {
        Predictions.top(k, of: try model.classify(image.tensor))
    }

    /// The outputs of `layers`, by Keras name; the pass stops after the deepest one.
    public func activations(_ image: PreparedImage, layers: [ResolvedLayer]) throws -> [String: Tensor] {
        try model.run(image.tensor, capture: Set(layers.map(\.layer.name)))
    }
}
