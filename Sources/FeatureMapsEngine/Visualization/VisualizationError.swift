import Foundation

/// What feature visualization refuses, with the values at fault.
public enum VisualizationError: Error, Equatable, Sendable, LocalizedError {
    case channelOutOfRange(channel: Int, layer: String, channels: Int)
    /// The layer's value is not (H, W, C) or (C).
    case noChannels(layer: String, shape: String)
    case stepsNotPositive(Int)
    /// The model's input is not (H, W, C).
    case notAnImageInput(shape: String)

    public var errorDescription: String? {
        switch self {
        case .channelOutOfRange(let c, let layer, let n):
            return "channel \(c) is past \(layer)'s \(n) channels; use 0 to \(n - 1)"
        case .noChannels(let layer, let shape):
            return "\(layer) has shape \(shape), not an H x W x C map or a vector of channels; pick another layer (featuremaps layers)"
        case .stepsNotPositive(let n):
            return "--steps \(n) must be at least 1"
        case .notAnImageInput(let shape):
            return "the model's input has shape \(shape), not H x W x C; feature visualization needs an image input"
        }
    }
}
