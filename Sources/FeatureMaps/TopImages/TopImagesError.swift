import Foundation

/// Why `top-images` refuses to start: one line naming the value and what to do.
public enum TopImagesError: Error, Equatable, Sendable {
    /// The layer's value is not an (H, W, C) map (a vector such as predictions).
    case notAMap(layer: String, shape: String)
    case badK(Int)
    case noImages(arguments: [String])
    case listUnreadable(String)
}

extension TopImagesError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case .notAMap(let l, let s):
            return "layer '\(l)' has shape \(s), no spatial map to rank images by; pick a layer with an (H, W, C) map, "
                + "e.g. block_6_expand_relu"
        case .badK(let k): return "-k \(k) must be at least 1 (the number of images per channel)"
        case .noImages(let a):
            return "no JPEG or PNG image found in \(a.joined(separator: " ")); give image files, folders holding them, or @list.txt"
        case .listUnreadable(let f): return "image list '\(f)' cannot be read; give a text file with one image path a line after @"
        }
    }
}
