import FeatureMapsImages

/// PNG files and bytes of pictures, with tEXt metadata chunks ("Software: featuremaps" first).
public enum PNGOutput {
    /// Writes the picture atomically (see AtomicFile).
    public static func write(_ image: RGBImage, to path: String, text: [(key: String, value: String)]) throws {
        try AtomicFile.write(try encode(image, text: text), to: path)
    }

    /// The PNG file's bytes.
    public static func encode(_ image: RGBImage, text: [(key: String, value: String)] = []) throws -> [UInt8] {
        try PNGEncoder.encode(image, text: [("Software", "featuremaps")] + text)
    }
}
