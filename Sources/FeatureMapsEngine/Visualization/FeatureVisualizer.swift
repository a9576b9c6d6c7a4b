import Foundation

/// How the pictures are optimized. The defaults were chosen by looking at MobileNetV2 (real
/// weights, 224 x 224, channels 0-3 of block_1_expand_relu, block_6_expand_relu and
/// block_13_expand_relu): Lucid's lr 0.05, jitter 8 px, scale 1 +- 0.1 and rotation +- 10 degrees
/// (the range of Lucid's standard_transforms) give textures at block_1, oriented stripes and
/// cells at block_6, and object-like parts (eyes, scales, folds) at block_13; 64 steps already show
/// the pattern at block_6, 128 show clear patterns at every depth (Lucid runs 512; more steps were
/// not compared). Time is linear in steps (release, 2 shared cores: ~0.05-0.09 s a step at
/// block_1, ~0.1 at block_6, ~0.27 at block_13). Measured (Scripts/visualize_quality, BENCHMARKS.md
/// "Issue 12: feature visualization quality", channels 0-15, seed 0, the written PNGs): own picture
/// beats the other 15 for 16 of 16 channels at block_3, block_6 and block_13; own / best photo >= 3x
/// for 11, 14 and 16 of 16. 256 steps raise the activations 5-15% (block_3: 12 of 16 at 3x, block_6
/// still 14) for twice the time: 128 kept. The misses are mostly channels whose photo already
/// reaches a large part of ReLU6's ceiling of 6 (block_3 ch 9: photo 3.90, so at most 1.54x).
public struct VisualizationSettings: Equatable, Sendable {
    public var steps: Int
    /// Adam's learning rate on the spectrum (Lucid's 0.05).
    public var learningRate: Float
    /// Per step: shift in +- jitter pixels, scale in 1 +- scaleRange, rotation in +- degrees.
    public var jitter: Double
    public var scaleRange: Double
    public var degrees: Double
    /// Standard deviation of the initial spectrum (Lucid's 0.01).
    public var spectrumSD: Double

    public static let standard = VisualizationSettings(steps: 128, learningRate: 0.05, jitter: 8, scaleRange: 0.1, degrees: 10, spectrumSD: 0.01)

    public init(steps: Int, learningRate: Float, jitter: Double, scaleRange: Double, degrees: Double, spectrumSD: Double) {
        self.steps = steps
        self.learningRate = learningRate
        self.jitter = jitter
        self.scaleRange = scaleRange
        self.degrees = degrees
        self.spectrumSD = spectrumSD
    }
}

/// One channel's picture.
public struct VisualizedChannel: Sendable {
    public let channel: Int
    public let height: Int
    public let width: Int
    public let channels: Int
    /// The picture, H x W x C interleaved, float pixels in (0, 255).
    public let pixels: [Float]
    /// The objective (the channel's mean) at each step, under that step's transform.
    public let history: [Float]

    /// Rounded to 8 bits (what the PNG holds).
    public var bytes: [UInt8] { pixels.map { UInt8(max(0, min(255, $0.rounded()))) } }
}

/// Feature visualization (Olah et al., Distill 2017; Lucid's `render_vis` with `objectives.channel`):
/// gradient ascent on the mean of one channel of a layer, over the parameters of a FourierImage.
/// One step: spectrum -> FourierImage -> ValidRGB (pixels 0..255) -> RandomTransform -> the
/// model's Preprocessing -> the graph to the layer; GraphGradient's input gradient goes back
/// through each piece's backward to the spectrum, and Adam moves it up. Deterministic: the
/// randomness of channel c comes from SeededGenerator(seed, c) alone, and GraphGradient's
/// results do not depend on its thread count.
public final class FeatureVisualizer {
    public let graph: Graph
    public let layer: String
    public let preprocessing: Preprocessing
    public let settings: VisualizationSettings
    /// (H, W, C) of the model input, and the layer's channel count.
    public let inputShape: [Int]
    public let channelCount: Int
    let driver: GraphGradient
    let fourier: FourierImage

    public init(graph: Graph, layer: String, preprocessing: Preprocessing, settings: VisualizationSettings, threads: Int = 1) throws {
        guard settings.steps >= 1 else { throw VisualizationError.stepsNotPositive(settings.steps) }
        guard graph.inputs.count == 1, graph.shape(of: graph.inputs[0]).rank == 3 else {
            throw VisualizationError.notAnImageInput(shape: graph.inputs.map { graph.shape(of: $0).description }.joined(separator: ", "))
        }
        let dims = graph.shape(of: try graph.value(named: layer)).dims
        guard dims.count == 3 || dims.count == 1, dims.allSatisfy({ $0 > 0 }) else {
            throw VisualizationError.noChannels(layer: layer, shape: Shape(dims).description)
        }
        self.graph = graph
        self.layer = layer
        self.preprocessing = preprocessing
        self.settings = settings
        inputShape = graph.shape(of: graph.inputs[0]).dims
        channelCount = dims.last!
        driver = GraphGradient(graph: graph, threads: threads, kernels: .fast)
        fourier = FourierImage(height: inputShape[0], width: inputShape[1], channels: inputShape[2])
    }

    /// The generator of channel `channel` under `seed`: its picture does not depend on the other channels asked for.
    static func generator(seed: UInt64, channel: Int) -> SeededGenerator {
        var mix = SeededGenerator(seed: seed ^ (UInt64(channel) &* 0xD1B5_4A32_D192_ED03))
        return SeededGenerator(seed: mix.next())
    }

    /// `progress`(k) after step k (1-based).
    public func visualize(channel: Int, seed: UInt64, progress: (Int) -> Void = { _ in }) throws -> VisualizedChannel {
        try check(channel)
        let (h, w, c) = (inputShape[0], inputShape[1], inputShape[2])
        var rng = Self.generator(seed: seed, channel: channel)
        var spectrum = fourier.initialParameters(sd: settings.spectrumSD, &rng)
        var adam = Adam(count: spectrum.count, learningRate: settings.learningRate)
        var history: [Float] = []
        for k in 1...settings.steps {
            let transform = RandomTransform.random(jitter: settings.jitter, scaleRange: settings.scaleRange, degrees: settings.degrees, &rng)
            let (value, gradient) = try step(spectrum, channel: channel, transform: transform)
            history.append(value)
            adam.ascend(&spectrum, gradient: gradient)
            progress(k)
        }
        let pixels = ValidRGB.forward(fourier.image(spectrum), channels: c).pixels
        return VisualizedChannel(channel: channel, height: h, width: w, channels: c, pixels: pixels, history: history)
    }

    /// The objective and its gradient with respect to the spectrum, for one transform.
    public func step(_ spectrum: [Float], channel: Int, transform: RandomTransform) throws -> (value: Float, gradient: [Float]) {
        let (h, w, c) = (inputShape[0], inputShape[1], inputShape[2])
        let t = fourier.image(spectrum)
        let rgb = ValidRGB.forward(t, channels: c)
        let moved = transform.forward(rgb.pixels, height: h, width: w, channels: c, background: 127.5)
        let input = NDArray(shape: Shape(inputShape), data: preprocessing.forward(pixels: moved, channels: c))
        let r = try driver.run([input], objectiveAt: layer, inputGradients: true) { Self.meanSeed($0, channel: channel, of: self.channelCount) }
        let g = preprocessing.backward(r.inputGradients[0].data, channels: c)
        let dRGB = transform.backward(g, height: h, width: w, channels: c)
        let dT = ValidRGB.backward(dRGB, sigmoid: rgb.sigmoid, channels: c)
        return (Self.mean(r.value, channel: channel, of: channelCount), fourier.backward(dT))
    }

    /// The channel's mean activation for 8-bit pixels (H x W x C) preprocessed as a photo is
    /// (`Preprocessing.apply`): the number a written PNG gives.
    public func activation(bytes: [UInt8], channel: Int) throws -> Float {
        try check(channel)
        let t = preprocessing.apply(pixels: bytes, width: inputShape[1], height: inputShape[0], channels: inputShape[2])
        return try channelMeans(input: t.data)[channel]
    }

    /// Every channel's mean activation for one model input (H x W x C, already preprocessed), by
    /// the forward pass the objective uses (no transform): what `visualize` maximizes, per channel.
    public func channelMeans(input: [Float]) throws -> [Float] {
        let r = try driver.run([NDArray(shape: Shape(inputShape), data: input)], objectiveAt: layer) { NDArray(shape: $0.shape) }
        return (0..<channelCount).map { Self.mean(r.value, channel: $0, of: channelCount) }
    }

    func check(_ channel: Int) throws {
        guard channel >= 0, channel < channelCount else {
            throw VisualizationError.channelOutOfRange(channel: channel, layer: layer, channels: channelCount)
        }
    }

    /// d mean(value[..., channel]) / d value: 1 / (H * W) at the channel.
    static func meanSeed(_ value: NDArray, channel: Int, of n: Int) -> NDArray {
        var g = NDArray(shape: value.shape)
        let share = 1 / Float(value.data.count / n)
        for i in stride(from: channel, to: g.data.count, by: n) { g.data[i] = share }
        return g
    }

    static func mean(_ value: NDArray, channel: Int, of n: Int) -> Float {
        var s: Double = 0
        for i in stride(from: channel, to: value.data.count, by: n) { s += Double(value.data[i]) }
        return Float(s / Double(value.data.count / n))
    }
}
