/// An 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B:
/// pixel (x, y) starts at `pixels[(y * width + x) * 3]`.
/// Every decoder returns this (grey, palette, 16-bit, alpha and CMYK inputs are converted);
/// the renderer draws into it and the PNG encoder writes it.
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    /// A width x height image filled with one colour.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (0, 0, 0)) {
        precondition(width > 0 && height > 0, "image dimensions must be positive")
        self.width = width
        self.height = height
        var px = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            px[i * 3] = fill.0
            px[i * 3 + 1] = fill.1
            px[i * 3 + 2] = fill.2
        }
        self.pixels = px
    }

    /// Wraps `pixels`, which must hold exactly width*height*3 bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "image dimensions must be positive")
        precondition(pixels.count == width * height * 3, "pixel count does not match the image size")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
