import Foundation
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsRender

/// The contact sheet of a job's rows: each listed image decoded once more (one at a time, for
/// its crops), each crop its box of the original image; an image that no longer decodes gives grey crops.
extension TopImagesJob {
    public func contactSheet(_ rows: [TopImageRow]) -> RGBImage {
        var crops = [Int: RGBImage]()  // row index -> crop
        let byImage = Dictionary(grouping: rows.indices, by: { rows[$0].image })
        for (path, indices) in byImage.sorted(by: { $0.key < $1.key }) {
            let picture: RGBImage? =
                Session.isNPY(path) ? (try? session.prepare(arrayAt: path))?.networkImage : try? ImageDecoder.decode(contentsOfFile: path)
            for i in indices {
                crops[i] = picture.map { Self.crop($0, rows[i].box) } ?? RGBImage(width: 1, height: 1, fill: (200, 200, 200))
            }
        }
        let sheetRows = channels.map { c in
            ContactRow(
                channel: c,
                tiles: rows.indices.filter { rows[$0].channel == c }.map {
                    ContactTile(crop: crops[$0]!, name: URL(fileURLWithPath: rows[$0].image).lastPathComponent, value: rows[$0].value)
                })
        }
        return ContactSheetRenderer.render(
            title: "\(layer.requested): top \(k) images by \(score.rawValue)",
            subtitle:
                "\(URL(fileURLWithPath: session.sourcePath).lastPathComponent), input \(session.inputSizeDescription); crops: receptive field of the maximum",
            rows: sheetRows, columns: k)
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
