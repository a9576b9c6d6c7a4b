// Keras's `imagenet_utils.preprocess_input` modes (keras/src/applications/imagenet_utils.py,
// `_preprocess_numpy_input`), on pixels in [0, 255], channels_last, every step in float32:
//   tf     x / 127.5 - 1                                   (MobileNet*, ResNet*V2, Xception, Inception)
//   caffe  RGB -> BGR, minus [103.939, 116.779, 123.68]    (ResNet50/101/152, VGG16/19)
//   torch  x / 255, minus [0.485, 0.456, 0.406], / [0.229, 0.224, 0.225]   (DenseNet)
//   none   x as it is, 0..255                              (EfficientNet, MobileNetV3, ConvNeXt:
//                                                            their preprocessing is inside the model)

public enum Preprocessing: String, CaseIterable, Sendable {
    case tf, caffe, torch, none

    /// The modes that need 3 (RGB) channels.
    public var needsRGB: Bool { self == .caffe || self == .torch }

    /// Pixels (row-major, interleaved, width*height*channels bytes, RGB order for 3 channels) ->
    /// the HxWxC model input.
    public func apply(pixels: [UInt8], width: Int, height: Int, channels: Int) -> Tensor {
        require(pixels.count == width * height * channels, "need width*height*channels bytes")
        require(!needsRGB || channels == 3, "preprocessing \(rawValue) needs 3 channels")
        var data = [Float](repeating: 0, count: pixels.count)
        switch self {
        case .none:
            for i in pixels.indices { data[i] = Float(pixels[i]) }
        case .tf:
            for i in pixels.indices { data[i] = Float(pixels[i]) / 127.5 - 1 }
        case .caffe:
            let mean: [Float] = [103.939, 116.779, 123.68]
            for p in 0..<(width * height) {
                for c in 0..<3 { data[p * 3 + c] = Float(pixels[p * 3 + 2 - c]) - mean[c] }
            }
        case .torch:
            let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
            for p in 0..<(width * height) {
                for c in 0..<3 { data[p * 3 + c] = (Float(pixels[p * 3 + c]) / 255 - mean[c]) / std[c] }
            }
        }
        return Tensor(height: height, width: width, channels: channels, data: data)
    }
}

public enum Preprocess {
    /// RGB8 pixels -> HxWx3 tensor of x / 127.5 - 1 (Keras `mobilenet_v2.preprocess_input`).
    public static func mobileNetV2(rgb: [UInt8], width: Int, height: Int) -> Tensor {
        Preprocessing.tf.apply(pixels: rgb, width: width, height: height, channels: 3)
    }
}
