import FeatureMapsImages

/// The classroom notebook's built-in test image, so `render` shows something with no input:
/// 224x224, background grey 200; dark (50) vertical stripes at x 20..<40 and 50..<70; a (100)
/// horizontal stripe at y 20..<40; a (30) square at 140..<180 in both axes; a (150) disc of
/// radius 30 around (112, 112) (pixels with (x-112)^2 + (y-112)^2 <= 900); drawn in that order,
/// as the notebook's NumPy slices do (later shapes cover earlier ones).
public enum BuiltInImage {
    public static let name = "test_image"
    public static let size = 224

    public static func notebookTestImage() -> RGBImage {
        var grey = [UInt8](repeating: 200, count: size * size)
        func fill(_ xs: Range<Int>, _ ys: Range<Int>, _ v: UInt8) {
            for y in ys { for x in xs { grey[y * size + x] = v } }
        }
        fill(20..<40, 0..<size, 50)
        fill(50..<70, 0..<size, 50)
        fill(0..<size, 20..<40, 100)
        fill(140..<180, 140..<180, 30)
        for y in 0..<size {
            for x in 0..<size where (x - 112) * (x - 112) + (y - 112) * (y - 112) <= 900 { grey[y * size + x] = 150 }
        }
        return RGBImage(width: size, height: size, pixels: grey.flatMap { [$0, $0, $0] })
    }
}
