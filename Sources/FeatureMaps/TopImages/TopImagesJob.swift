import Foundation
import FeatureMapsEngine
import FeatureMapsImages

/// What `featuremaps top-images` computes, streaming: images are offered one at a time (`add`),
/// each gets one forward pass to `layer`, and for every chosen channel a TopK keeps the `k` best
/// images by `score` (max or mean over the map) with the map position of the maximum. Memory is
/// O(channels * k) whatever the number of images: only images still in some list are remembered.
/// Not Sendable (one NetworkPass); one image at a time.
public final class TopImagesJob {
    public let session: Session
    public let layer: LayerChoice
    public let channels: [Int]
    public let k: Int
    public let score: TopImagesScore
    /// The layer's (H, W, C).
    public let mapShape: [Int]
    private let pass: NetworkPass
    private let field: ReceptiveField
    private let value: ValueID
    private var tops: [TopK]
    /// Images that are (or were recently) in some list, by input order.
    private var seen: [Int: SeenImage] = [:]

    struct SeenImage {
        let path: String
        let width: Int, height: Int
    }

    /// Throws `TopImagesError.notAMap` for a layer without an (H, W, C) map, `.badK` for k < 1;
    /// `channels` must be valid channels of the layer (ChannelList.parse checks them).
    public init(
        session: Session, layer: LayerChoice, channels: [Int], k: Int, score: TopImagesScore, threads: Int = Session.defaultThreads
    ) throws {
        guard k >= 1 else { throw TopImagesError.badK(k) }
        let shape = layer.layer.shape
        guard shape.count == 3, layer.layer.isSpatial else { throw TopImagesError.notAMap(layer: layer.requested, shape: ModelLayer.describe(shape)) }
        precondition(channels.allSatisfy { (0..<shape[2]).contains($0) }, "channels must be channels of the layer")
        self.session = session
        self.layer = layer
        self.channels = channels
        self.k = k
        self.score = score
        mapShape = shape
        pass = NetworkPass(session: session, threads: threads)
        field = ReceptiveField(graph: session.graph)
        value = try session.graph.value(named: layer.key)
        tops = channels.map { _ in TopK(k: k) }
    }

    /// Offers `image`, the `order`-th of the sorted input list, to every channel's list.
    public func add(_ image: PreparedImage, order: Int) throws {
        let map = try pass.run(image.tensor, keys: [layer.key])[layer.key]!
        let (h, w, c) = (map.shape[0], map.shape[1], map.shape[2])
        var kept = false
        for (i, channel) in channels.enumerated() {
            let s = score.score(map.data, height: h, width: w, channels: c, channel: channel)
            let entry = TopEntry(value: s.value, order: order, mapY: s.y, mapX: s.x)
            tops[i].offer(entry)
            kept = kept || tops[i].entries.contains(entry)
        }
        if kept { seen[order] = SeenImage(path: image.path, width: image.originalWidth, height: image.originalHeight) }
        if seen.count > 2 * channels.count * k + 16 { forgetEvicted() }
    }

    private func forgetEvicted() {
        let live = Set(tops.flatMap { $0.entries.map(\.order) })
        seen = seen.filter { live.contains($0.key) }
    }

    /// What the result files say besides the rows.
    public var header: TopImagesHeader {
        TopImagesHeader(
            layer: layer.requested, layerName: layer.layer.name, score: score, k: k, channels: channels, model: session.sourcePath,
            modelKind: session.sourceKind, inputSize: session.inputSizeDescription)
    }

    /// Every channel's list, best first, with each entry's crop box in original image pixels.
    public var rows: [TopImageRow] {
        zip(channels, tops).flatMap { channel, top in
            top.entries.enumerated().map { rank, e in
                let image = seen[e.order]!
                return TopImageRow(
                    channel: channel, rank: rank + 1, image: image.path, order: e.order, value: e.value, mapY: e.mapY, mapX: e.mapX,
                    box: cropBox(e, image))
            }
        }
    }

    /// The receptive field of the entry's position (network input pixels), scaled to the original
    /// image (resized to the input without crop): rows y0 * H0 / H rounded down to y1 * H0 / H
    /// rounded up, clipped; the whole image when the position sees only padding.
    func cropBox(_ e: TopEntry, _ image: SeenImage) -> InputBox {
        let (h, w) = (session.inputShape[0], session.inputShape[1])
        let b = field.box(of: value, y: e.mapY, x: e.mapX) ?? InputBox(rows: 0..<h, cols: 0..<w)
        func scale(_ r: Range<Int>, _ n: Int, _ n0: Int) -> Range<Int> {
            let lo = r.lowerBound * n0 / n, hi = min(n0, (r.upperBound * n0 + n - 1) / n)
            return lo..<max(hi, lo + 1)
        }
        return InputBox(rows: scale(b.rows, h, image.height), cols: scale(b.cols, w, image.width))
    }
}

/// One line of the result: channel, rank (1 = best), image, score, map position, crop box.
public struct TopImageRow: Sendable, Equatable {
    public let channel: Int
    public let rank: Int
    public let image: String
    /// The image's index in the sorted input list.
    public let order: Int
    public let value: Float
    public let mapY: Int, mapX: Int
    /// Rows and columns of the original image the position sees.
    public let box: InputBox
}
