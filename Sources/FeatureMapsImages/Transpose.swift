/// Pillow's `Image.transpose` methods, as `ImageOps.exif_transpose` picks them from an EXIF
/// orientation (2: FLIP_LEFT_RIGHT, 3: ROTATE_180, 4: FLIP_TOP_BOTTOM, 5: TRANSPOSE,
/// 6: ROTATE_270, 7: TRANSVERSE, 8: ROTATE_90; ROTATE_n turns counter-clockwise).
public enum Transpose: Int, CaseIterable, Sendable {
    case flipLeftRight = 2, rotate180, flipTopBottom, transpose, rotate270, transverse, rotate90

    /// The method for an EXIF orientation; nil for 1 (as stored) and for values outside 2...8,
    /// which exif_transpose leaves alone.
    public init?(exifOrientation: Int) { self.init(rawValue: exifOrientation) }

    /// Whether width and height swap.
    public var swapsAxes: Bool { [.transpose, .rotate270, .transverse, .rotate90].contains(self) }

    /// The transposed image: output pixel (x, y) is input pixel source(x, y).
    public func apply(_ image: RGBImage) -> RGBImage {
        let (w, h) = (image.width, image.height)
        let (outW, outH) = swapsAxes ? (h, w) : (w, h)
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<outH {
                    for x in 0..<outW {
                        let (sx, sy) = source(x, y, width: w, height: h)
                        let s = (sy * w + sx) * 3, d = (y * outW + x) * 3
                        dst[d] = src[s]
                        dst[d + 1] = src[s + 1]
                        dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }

    /// The input pixel shown at output (x, y), for an input of width w and height h.
    func source(_ x: Int, _ y: Int, width w: Int, height h: Int) -> (Int, Int) {
        switch self {
        case .flipLeftRight: return (w - 1 - x, y)
        case .rotate180: return (w - 1 - x, h - 1 - y)
        case .flipTopBottom: return (x, h - 1 - y)
        case .transpose: return (y, x)
        case .rotate270: return (y, h - 1 - x)
        case .transverse: return (w - 1 - y, h - 1 - x)
        case .rotate90: return (w - 1 - y, x)
        }
    }
}
