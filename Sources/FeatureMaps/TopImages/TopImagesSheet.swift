import Foundation
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsRender

/// The contact sheet of a run's rows: each listed image decoded once more (one at a time, for
/// its crops; an .npy array shown as Session shows arrays), each crop its box of the original
/// image; an image that no longer decodes gives grey crops. Depends only on the header and the
/// rows, so a merge of shards draws the same sheet as one process.
public enum TopImagesSheet {
    public static func render(_ rows: [TopImageRow], header: TopImagesHeader) -> RGBImage {
        var crops = [Int: RGBImage]()  // row index -> crop
        let byImage = Dictionary(grouping: rows.indices, by: { rows[$0].image })
        for (path, indices) in byImage.sorted(by: { $0.key < $1.key }) {
            let picture: RGBImage? = Session.isNPY(path) ? Session.arrayPicture(at: path) : try? ImageDecoder.decode(contentsOfFile: path)
            for i in indices {
                crops[i] = picture.map { crop($0, rows[i].box) } ?? RGBImage(width: 1, height: 1, fill: (200, 200, 200))
            }
        }
        let sheetRows = header.channels.map { c in
            ContactRow(
                channel: c,
                tiles: rows.indices.filter { rows[$0].channel == c }.map {
                    ContactTile(crop: crops[$0]!, name: URL(fileURLWithPath: rows[$0].image).lastPathComponent, value: rows[$0].value)
                })
        }
        return ContactSheetRenderer.render(
            title: "\(header.layer): top \(header.k) images by \(header.score.rawValue)",
            subtitle: "\(URL(fileURLWithPath: header.model).lastPathComponent), input \(header.inputSize); crops: receptive field of the maximum",
            rows: sheetRows, columns: header.k)
    }

    /// Rows `box.rows`, columns `box.cols` of `image`, clipped to it.
    static func crop(_ image: RGBImage, _ box: InputBox) -> RGBImage {
        let y0 = min(box.rows.lowerBound, image.height - 1), y1 = max(y0 + 1, min(box.rows.upperBound, image.height))
        let x0 = min(box.cols.lowerBound, image.width - 1), x1 = max(x0 + 1, min(box.cols.upperBound, image.width))
        var out = RGBImage(width: x1 - x0, height: y1 - y0)
        for y in y0..<y1 {
            let src = (y * image.width + x0) * 3, dst = (y - y0) * (x1 - x0) * 3
            out.pixels.replaceSubrange(dst..<(dst + (x1 - x0) * 3), with: image.pixels[src..<(src + (x1 - x0) * 3)])
        }
        return out
    }
}

extension Session {
    /// The picture `prepare(arrayAt:)` gives an (H, W, C) or (1, H, W, C) float32 .npy file, without
    /// a session's shape checks; nil when it does not decode.
    static func arrayPicture(at path: String) -> RGBImage? {
        guard let data = FileManager.default.contents(atPath: path), let a = try? NPY.decodeFloat32([UInt8](data)) else { return nil }
        let shape = a.shape.count == 4 && a.shape[0] == 1 ? Array(a.shape.dropFirst()) : a.shape
        guard shape.count == 3, shape.allSatisfy({ $0 >= 1 }) else { return nil }
        return picture(of: Tensor(height: shape[0], width: shape[1], channels: shape[2], data: a.values))
    }
}
