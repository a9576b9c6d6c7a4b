import ArgumentParser
import Foundation
import FeatureMaps
import FeatureMapsRender
import FeatureMapsSupport

struct TopImages: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top-images",
        abstract: "For each channel of a layer, the images of a collection that excite it most (CSV, JSON, contact sheet PNG).",
        discussion: """
            One pass over the images (files, folders walked and sorted, @list.txt), a bounded list of k per channel. \
            Writes DIR/<layer>_top.csv, .json and .png (the contact sheet: a row of crops per channel): channel, rank, image, value, map position and the \
            crop box (the position's receptive field, in original image pixels). An unreadable image is reported \
            and skipped (exit status 2).
            """)

    @OptionGroup var weightsOptions: WeightsOptions
    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var threadOptions: ThreadOptions

    @Option(name: .long, help: ArgumentHelp("The layer to rank images by (an (H, W, C) map).", valueName: "L"))
    var layer: String

    @Option(name: .long, help: ArgumentHelp("Channels, 0-based: 0-15 (default), 0,5,9-12.", valueName: "list"))
    var channels = "0-15"

    @Option(name: .short, parsing: .unconditional, help: ArgumentHelp("Images kept per channel.", valueName: "k"))
    var k = 9

    @Option(name: .long, help: ArgumentHelp("max: a channel's largest value over the map; mean: its mean.", valueName: "max|mean"))
    var by: TopImagesScore = .max

    @Option(name: .long, help: ArgumentHelp("Directory for the results (created if missing).", valueName: "dir"))
    var out = "."

    @Argument(help: ArgumentHelp("JPEG or PNG images, folders of them, or @list.txt (one path a line).", valueName: "path"))
    var paths: [String]

    func validate() throws {
        guard k >= 1 else { throw ValidationError(TopImagesError.badK(k).localizedDescription) }
    }

    func run() throws {
        try Report.running {
            let session = try weightsOptions.openSession(inputOptions)
            let choice = try session.resolve(layer)
            Report.aliases([choice])
            let shape = choice.layer.shape
            guard shape.count == 3, choice.layer.isSpatial else {
                throw TopImagesError.notAMap(layer: layer, shape: ModelLayer.describe(shape))
            }
            let list = try ChannelList.parse(channels, channelCount: shape[2], layer: layer)
            let images = try ImageList.expand(paths)
            guard !images.isEmpty else { throw TopImagesError.noImages(arguments: paths) }
            try AtomicFile.prepareDirectory(out)
            let job = try TopImagesJob(session: session, layer: choice, channels: list, k: k, score: by, threads: threadOptions.count)
            let start = MonotonicClock.seconds()
            var failures: [Status] = []
            for (i, path) in images.enumerated() {
                do {
                    try job.add(try session.prepare(imageAt: path), order: i)
                } catch {
                    Report.error(error)
                    failures.append(Status(for: error))
                }
            }
            let seconds = MonotonicClock.seconds() - start
            let read = images.count - failures.count
            Report.note(String(format: "%d images in %.2f s, %.1f images/s", read, seconds, Double(read) / max(seconds, 1e-9)))
            if read == 0 { return failures[0] }
            let rows = job.rows
            for (ext, text) in [("csv", TopImagesTable.csv(rows)), ("json", TopImagesTable.json(rows, job: job))] {
                let path = OutputPaths.file(directory: out, stem: OutputPaths.safe(choice.requested), layer: "top", extension: ext)
                try AtomicFile.write(Array(text.utf8), to: path)
                Report.output(path)
            }
            let sheet = OutputPaths.file(directory: out, stem: OutputPaths.safe(choice.requested), layer: "top", extension: "png")
            try PNGOutput.write(
                job.contactSheet(rows), to: sheet,
                text: [(key: "Layer", value: choice.layer.name), (key: session.sourceKind, value: session.sourcePath)])
            Report.output(sheet)
            return failures.isEmpty ? .success : .partialFailure
        }
    }
}

extension TopImagesScore: ExpressibleByArgument {}
