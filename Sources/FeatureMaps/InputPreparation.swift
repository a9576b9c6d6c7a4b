import Foundation
import FeatureMapsEngine
import FeatureMapsImages

// From a file the user names to the model input: an image (decoded by content, made grey for a
// one-channel model as Keras's load_img(color_mode="grayscale") does, resized to the model's
// H x W with PIL's antialiased bilinear filter, no crop, then preprocessed), or an .npy array fed
// exactly as it is (no resize, no preprocessing): how a user reproduces Keras to the last digit.

extension Session {
    public func prepare(imageAt path: String) throws -> PreparedImage {
        if Self.isNPY(path) { return try prepare(arrayAt: path) }
        let decoded = try ImageDecoder.decode(contentsOfFile: path, maxPixels: Self.maxImagePixels)
        return prepare(decoded, path: path)
    }

    /// An image held in memory (JPEG or PNG bytes, e.g. an upload), decoded by its content with the
    /// same pixel limit as files (Session.maxImagePixels); `name` stands for the path in errors,
    /// titles and `stem`. Throws ImageError (not an image, truncated, too many pixels, ...).
    public func prepare(imageData bytes: [UInt8], name: String) throws -> PreparedImage {
        prepare(try ImageDecoder.decode(bytes, maxPixels: Self.maxImagePixels, source: name), path: name)
    }

    public func prepare(_ decoded: RGBImage, path: String) -> PreparedImage {
        let (h, w, c) = (inputShape[0], inputShape[1], inputShape[2])
        let source = c == 1 ? Self.grey(decoded) : decoded
        let resized = source.width == w && source.height == h ? source : ImageResizer.resizeBilinear(source, width: w, height: h)
        let pixels = c == 1 ? stride(from: 0, to: resized.pixels.count, by: 3).map { resized.pixels[$0] } : resized.pixels
        return PreparedImage(
            path: path, stem: Self.stem(path), originalWidth: decoded.width, originalHeight: decoded.height,
            networkImage: resized, tensor: preprocessing.apply(pixels: pixels, width: w, height: h, channels: c), isArray: false)
    }

    /// An (H, W, C) or (1, H, W, C) float32 array. C must be the model's; H and W the model's
    /// when it fixes them (MobileNetV2: at least 32).
    public func prepare(arrayAt path: String) throws -> PreparedImage {
        let bytes: [UInt8]
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            guard size <= 4 << 28 + 1 << 17 else {
                throw ModelFileError.arrayUnreadable(file: path, reason: "it is \(size) bytes, more than an input can be")
            }
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as ModelFileError {
            throw error
        } catch {
            throw ModelFileError.arrayUnreadable(file: path, reason: "it cannot be read (\(error.localizedDescription))")
        }
        let decoded: (shape: [Int], values: [Float])
        do { decoded = try NPY.decodeFloat32(bytes) } catch let error as NPYError {
            throw ModelFileError.arrayUnreadable(file: path, reason: error.reason)
        }
        var shape = decoded.shape
        if shape.count == 4 && shape[0] == 1 { shape.removeFirst() }
        let fixed = model != nil ? [nil, nil, 3] : declaredInput
        let expected = ModelFile.describe(fixed) + (model != nil ? ", at least 32 x 32" : "")
        guard shape.count == 3, shape.allSatisfy({ $0 >= 1 }), zip(shape, fixed).allSatisfy({ $1 == nil || $0 == $1 }),
            model == nil || (shape[0] >= 32 && shape[1] >= 32)
        else { throw ModelFileError.arrayShape(file: path, shape: decoded.shape, expected: expected) }
        if let bad = decoded.values.firstIndex(where: { !$0.isFinite }) {
            throw ModelFileError.arrayUnreadable(file: path, reason: "value #\(bad) is \(decoded.values[bad]), not a finite number")
        }
        let tensor = Tensor(height: shape[0], width: shape[1], channels: shape[2], data: decoded.values)
        return PreparedImage(
            path: path, stem: Self.stem(path), originalWidth: shape[1], originalHeight: shape[0],
            networkImage: Self.picture(of: tensor), tensor: tensor, isArray: true)
    }

    /// The model input as declared, (H?, W?, C).
    var declaredInput: [Int?] {
        if case .model(let file) = network { return file.declaredInput }
        return [nil, nil, 3]
    }

    static func isNPY(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 6)).map { [UInt8]($0) == [0x93] + Array("NUMPY".utf8) } ?? false
    }

    static func stem(_ path: String) -> String { URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }

    /// Pillow's convert("L") (ITU-R 601-2 luma, Convert.c: (R*19595 + G*38470 + B*7471 + 0x8000) >> 16),
    /// kept in all three channels.
    static func grey(_ image: RGBImage) -> RGBImage {
        var out = image
        for p in 0..<(image.width * image.height) {
            let r = UInt32(image.pixels[3 * p]), g = UInt32(image.pixels[3 * p + 1]), b = UInt32(image.pixels[3 * p + 2])
            let l = UInt8((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16)
            out.pixels[3 * p] = l
            out.pixels[3 * p + 1] = l
            out.pixels[3 * p + 2] = l
        }
        return out
    }

    /// An array input for display: its values scaled min..max to 0..255; 3 channels as RGB,
    /// otherwise channel 0 as grey.
    static func picture(of t: Tensor) -> RGBImage {
        let lo = t.data.min() ?? 0, hi = t.data.max() ?? 0
        let scale = hi > lo ? 255 / (hi - lo) : 0
        var image = RGBImage(width: t.width, height: t.height)
        for p in 0..<(t.width * t.height) {
            for k in 0..<3 {
                let v = t.data[p * t.channels + (t.channels == 3 ? k : 0)]
                image.pixels[3 * p + k] = UInt8(((v - lo) * scale).rounded())
            }
        }
        return image
    }
}
