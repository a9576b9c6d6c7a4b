// Keras `mobilenet_v2.preprocess_input` (mode "tf"): pixels in [0, 255] -> x / 127.5 - 1 in [-1, 1].

public enum Preprocess {
    /// RGB8 pixels (row-major, interleaved, width*height*3 bytes) -> HxWx3 tensor of x / 127.5 - 1.
    public static func mobileNetV2(rgb: [UInt8], width: Int, height: Int) -> Tensor {
        require(rgb.count == width * height * 3, "need width*height*3 RGB bytes")
        return Tensor(height: height, width: width, channels: 3, data: rgb.map { Float($0) / 127.5 - 1 })
    }
}
