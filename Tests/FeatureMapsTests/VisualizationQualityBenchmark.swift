import Foundation
import XCTest
import FeatureMaps
import FeatureMapsEngine

/// The measured quality of `featuremaps visualize` (issue 12), on MobileNetV2 with the real weights.
/// For channels 0-15 of each layer: the picture made as the command makes it (VisualizeJob, seed 0,
/// the given settings, the 8-bit PNG written to disk), read back as a photo is read
/// (`Session.prepare(imageAt:)`: decode, no resize at 224, the model's preprocessing). Each channel's
/// activation is its mean over the map (FeatureVisualizer.channelMeans: the objective's forward
/// pass, no transform), on its own picture, on each photo of ../shared/images (resized as
/// featuremaps resizes them) and on the other 15 pictures. Targets: own / best photo >= 3 for every
/// channel, and the own picture beats the other 15 for at least 14 of 16 channels. Prints the tables
/// and asserts the targets. Runs only with FEATUREMAPS_QUALITY=1, in a release build:
/// `Scripts/visualize_quality` (which also documents the environment variables read here).
final class VisualizationQualityBenchmark: XCTestCase {
    static let photos = ["bird.png", "cat.png", "grace_hopper.jpg", "parrot.jpg"]
    static let ratioTarget: Float = 3
    static let winsTarget = 14

    func testPicturesExciteTheirOwnChannels() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["FEATUREMAPS_QUALITY"] == "1" else {
            throw XCTSkip("benchmark: run Scripts/visualize_quality (FEATUREMAPS_QUALITY=1, release build)")
        }
        OpenBLASThreads.useOne()  // as the featuremaps command runs
        let weights = try Fixtures.sharedFile("weights/mobilenet_v2_1.0_224_dequantized.h5")
        let photos = try Self.photos.map { try Fixtures.sharedFile("images/" + $0) }
        let layers = (env["FEATUREMAPS_QUALITY_LAYERS"] ?? "block_3_expand_relu,block_6_expand_relu,block_13_expand_relu")
            .split(separator: ",").map(String.init)
        var settings = VisualizationSettings.standard
        if let s = env["FEATUREMAPS_QUALITY_STEPS"].flatMap(Int.init) { settings.steps = s }
        if let lr = env["FEATUREMAPS_QUALITY_LR"].flatMap(Float.init) { settings.learningRate = lr }
        let threads = env["FEATUREMAPS_QUALITY_THREADS"].flatMap(Int.init) ?? 1
        let out = env["FEATUREMAPS_QUALITY_OUT"] ?? NSTemporaryDirectory() + "featuremaps-quality-\(getpid())"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let session = try Session.open(weightsFlag: weights)
        print("visualize quality: \(weights), channels 0-15, seed 0, \(settings), \(threads) thread(s); pictures in \(out)")
        for layer in layers {
            let table = try measure(layer: layer, session: session, settings: settings, threads: threads, photos: photos, out: out)
            print(table.text)
            XCTAssertTrue(table.ratiosHold, "\(layer): a channel's own picture is under \(Self.ratioTarget)x its best photo")
            XCTAssertGreaterThanOrEqual(table.wins, Self.winsTarget, "\(layer): own picture wins for only \(table.wins) of 16")
        }
    }

    func measure(layer: String, session: Session, settings: VisualizationSettings, threads: Int, photos: [String], out: String) throws
        -> QualityTable
    {
        let channels = Array(0..<16)
        var job = try VisualizeJob(
            session: session, layer: try session.resolve(layer), channels: channels, settings: settings, seed: 0, size: nil,
            directory: out, writeNPY: false, threads: threads)
        var written: [String] = [], seconds: [Double] = []
        job.wrote = { written.append($0) }
        try job.run(finished: { seconds.append($0.seconds) })
        let pictures = channels.map { c in written.first { $0.hasSuffix("_ch\(c).png") }! }
        let means = { (path: String) in try job.visualizer.channelMeans(input: try session.prepare(imageAt: path).tensor.data) }
        return QualityTable(
            layer: layer, onPictures: try pictures.map(means), onPhotos: try photos.map(means), photoNames: Self.photos, seconds: seconds)
    }
}

/// One layer's measurements: onPictures[p][c] = channel c's mean on channel p's picture, onPhotos[k][c]
/// on photo k.
struct QualityTable {
    let layer: String
    let onPictures: [[Float]]
    let onPhotos: [[Float]]
    let photoNames: [String]
    let seconds: [Double]

    struct Row {
        let channel: Int
        let own: Float
        let bestPhoto: Float
        let bestPhotoName: String
        let bestOtherPicture: Float
        var ratio: Float { own / bestPhoto }
        var wins: Bool { own > bestOtherPicture }
    }

    var rows: [Row] {
        onPictures.indices.map { c in
            let photo = onPhotos.indices.max { onPhotos[$0][c] < onPhotos[$1][c] }!
            let others = onPictures.indices.filter { $0 != c }.map { onPictures[$0][c] }
            return Row(
                channel: c, own: onPictures[c][c], bestPhoto: onPhotos[photo][c], bestPhotoName: photoNames[photo],
                bestOtherPicture: others.max()!)
        }
    }

    /// A photo that does not excite a channel at all (mean 0 after a ReLU) counts as beaten by any positive picture.
    var ratiosHold: Bool { rows.allSatisfy { $0.own >= VisualizationQualityBenchmark.ratioTarget * $0.bestPhoto && $0.own > 0 } }
    var wins: Int { rows.filter(\.wins).count }

    var text: String {
        func f(_ x: Float) -> String { String(format: "%9.4f", x) }
        var lines = [
            "\(layer): seconds per channel \(String(format: "%.1f", seconds.reduce(0, +) / Double(seconds.count)))",
            "  ch       own  best photo (which)           ratio  best other picture  own wins",
        ]
        for r in rows {
            let which = "(\(r.bestPhotoName))".padding(toLength: 18, withPad: " ", startingAt: 0)
            let ratio = r.bestPhoto > 0 ? String(format: "%7.1fx", r.ratio) : "    inf"
            lines.append(
                String(format: "  %2d ", r.channel) + f(r.own) + "  " + f(r.bestPhoto) + " " + which + ratio + "  " + f(r.bestOtherPicture)
                    + "           " + (r.wins ? "yes" : "no"))
        }
        let target = VisualizationQualityBenchmark.self
        lines.append(
            "  \(layer): ratio >= \(Int(target.ratioTarget))x for \(rows.filter { $0.ratio >= target.ratioTarget && $0.own > 0 }.count) of 16 "
                + "(target 16: \(ratiosHold ? "holds" : "FAILS")), min ratio \(String(format: "%.1f", rows.map(\.ratio).min()!))x; "
                + "own picture wins for \(wins) of 16 (target >= \(target.winsTarget): \(wins >= target.winsTarget ? "holds" : "FAILS"))")
        return lines.joined(separator: "\n")
    }
}
