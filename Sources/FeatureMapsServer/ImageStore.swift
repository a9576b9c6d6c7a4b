import FeatureMaps
import FeatureMapsEngine
import Synchronization

/// An uploaded image as the network saw it, with its top classes.
struct StoredImage: Sendable {
    /// Server-made (ImageStore.newID); the only way a request names an image.
    let id: String
    let model: ServedModel
    let prepared: PreparedImage
    let top: [Prediction]
}

/// The uploaded images, at most `capacity`, the least recently used one dropped first, and the
/// layer values computed for them (LayerCache, dropped with their image).
///
/// Memory: an image keeps its model input (4 x H x W x C bytes of float32) and the input as
/// pixels (3 x H x W bytes): for MobileNetV2 at 224 x 224, 0.75 MB, so 64 images take 48 MB;
/// the layer values add at most `LayerCache.budget` bytes.
final class ImageStore: Sendable {
    static let defaultCapacity = 64

    let capacity: Int
    let layers: LayerCache
    private struct State {
        var images: [String: StoredImage] = [:]
        /// Ids, least recently used first.
        var order: [String] = []
    }
    private let state = Mutex(State())

    init(capacity: Int = ImageStore.defaultCapacity, layerBudget: Int = LayerCache.defaultBudget) {
        precondition(capacity >= 1, "the store must hold at least one image")
        self.capacity = capacity
        layers = LayerCache(budget: layerBudget)
    }

    /// 128 random bits as 32 hex digits (SystemRandomNumberGenerator): not guessable, no path characters.
    static func newID() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let v = g.next() as UInt64
            let hex = String(v, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Stores `image`, dropping the least recently used images (and their layer values) past `capacity`.
    func insert(_ image: StoredImage) {
        let dropped = state.withLock { s -> [String] in
            s.images[image.id] = image
            s.order.removeAll { $0 == image.id }
            s.order.append(image.id)
            var dropped: [String] = []
            while s.order.count > capacity {
                let old = s.order.removeFirst()
                s.images[old] = nil
                dropped.append(old)
            }
            return dropped
        }
        for id in dropped { layers.drop(image: id) }
    }

    /// The image, marked as just used; nil for an id the store does not hold (never held, or dropped).
    func image(_ id: String) -> StoredImage? {
        state.withLock { s in
            guard let image = s.images[id] else { return nil }
            s.order.removeAll { $0 == id }
            s.order.append(id)
            return image
        }
    }

    var count: Int { state.withLock { $0.images.count } }
}

/// Layer values of stored images, by (image id, layer key), at most `budget` bytes of float32 in
/// all, the least recently used dropped first; a value larger than the budget is not kept. The
/// page asks for one layer's grid, channels and hover values in a row: one forward pass serves them.
final class LayerCache: Sendable {
    /// 128 MB: 26 of MobileNetV2's largest maps (112 x 112 x 96 floats, 4.8 MB).
    static let defaultBudget = 128 << 20

    let budget: Int
    private struct Entry {
        let image: String
        let layer: String
        let value: NDArray
    }
    private struct State {
        /// Least recently used first.
        var entries: [Entry] = []
        var bytes = 0
    }
    private let state = Mutex(State())

    init(budget: Int) { self.budget = budget }

    func value(image: String, layer: String) -> NDArray? {
        state.withLock { s in
            guard let i = s.entries.firstIndex(where: { $0.image == image && $0.layer == layer }) else { return nil }
            let e = s.entries.remove(at: i)
            s.entries.append(e)
            return e.value
        }
    }

    func insert(_ value: NDArray, image: String, layer: String) {
        let size = value.data.count * 4
        guard size <= budget else { return }
        state.withLock { s in
            if let i = s.entries.firstIndex(where: { $0.image == image && $0.layer == layer }) {
                s.bytes -= s.entries.remove(at: i).value.data.count * 4
            }
            s.entries.append(Entry(image: image, layer: layer, value: value))
            s.bytes += size
            while s.bytes > budget { s.bytes -= s.entries.removeFirst().value.data.count * 4 }
        }
    }

    func drop(image: String) {
        state.withLock { s in
            s.entries.removeAll { e in
                guard e.image == image else { return false }
                s.bytes -= e.value.data.count * 4
                return true
            }
        }
    }

    var bytes: Int { state.withLock { $0.bytes } }
}
