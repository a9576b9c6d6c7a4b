import FeatureMapsImages

/// Writes a picture as PNG, atomically (see AtomicFile), with tEXt metadata chunks.
public enum PNGOutput {
    public static func write(_ image: RGBImage, to path: String, text: [(key: String, value: String)]) throws {
        try AtomicFile.write(try PNGEncoder.encode(image, text: [("Software", "featuremaps")] + text), to: path)
    }
}
