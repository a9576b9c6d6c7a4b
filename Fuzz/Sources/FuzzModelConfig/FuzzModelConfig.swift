import Foundation
import FeatureMapsModels

/// libFuzzer entry point: bytes as a model config (config.json or model_config) -> the architecture
/// (KerasModelFile.architecture: JSON, both node formats, nested models, the graph's checks, the
/// layer policy and caps). Any bytes must give a description or a one-line ModelError, never a
/// crash, a hang or a deep recursion. The first byte picks the format and Keras version the config
/// is read as (.keras/3, .h5/3, .h5/2), the rest is the JSON.
public func fuzzModelConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let mode = data[0] % 3
    let json = Data(bytes: data + 1, count: size - 1)
    do {
        let description = try KerasModelFile.architecture(
            configJSON: json, format: mode == 0 ? .keras : .h5,
            kerasVersion: mode == 2 ? "2.15.0" : "3.15.1", file: "fuzz.json")
        // Every reference points at a layer of the description.
        for layer in description.layers {
            for call in layer.calls {
                for tensor in call.tensors { precondition(description.layers.indices.contains(tensor.layerIndex)) }
            }
        }
    } catch let error as ModelError {
        let message = error.errorDescription ?? ""
        precondition(!message.isEmpty && !message.contains("\n"), "multi-line or empty error: \(message)")
    } catch {
        preconditionFailure("untyped error \(error)")
    }
    return 0
}
