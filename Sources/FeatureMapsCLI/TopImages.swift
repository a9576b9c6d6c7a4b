import ArgumentParser
import Foundation
import FeatureMaps
import FeatureMapsRender
import FeatureMapsSupport

/// `featuremaps top-images`: `rank` (the default, so `top-images --layer L PATH...` runs it) and `merge`.
struct TopImages: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top-images",
        abstract: "For each channel of a layer, the images of a collection that excite it most (CSV, JSON, contact sheet PNG).",
        discussion: """
            featuremaps top-images --layer L PATH... runs 'rank' (the default). With --shard i/n each of n processes \
            ranks every n-th image and writes a partial result; 'top-images merge DIR...' combines them into exactly \
            the files one process would have written. (An image folder or file named 'merge' or 'rank': write ./merge.)
            """,
        subcommands: [TopImagesRank.self, TopImagesMergeCommand.self], defaultSubcommand: TopImagesRank.self)
}

struct TopImagesRank: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Rank images for each channel of a layer (the default top-images command).",
        discussion: """
            One pass over the images (files, folders walked and sorted, @list.txt), a bounded list of k per channel. \
            Writes DIR/<layer>_top.csv, .json and .png (the contact sheet: a row of crops per channel): channel, rank, image, value, map position and the \
            crop box (the position's receptive field, in original image pixels). An unreadable image is reported \
            and skipped (exit status 2). With --shard i/n: only the images at positions p of the sorted list with \
            p % n == i, and only DIR/<layer>_top.shard-<i>-of-<n>.json, for 'top-images merge'.
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

    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp(
            "Shard i of n, 0-based (0 <= i < n, as Kubernetes' JOB_COMPLETION_INDEX): every n-th image of the sorted list, "
                + "a partial result for 'top-images merge'. auto: $JOB_COMPLETION_INDEX of $JOB_COMPLETIONS (Kubernetes "
                + "Indexed Job), else $SLURM_ARRAY_TASK_ID - $SLURM_ARRAY_TASK_MIN of $SLURM_ARRAY_TASK_COUNT (Slurm array).",
            valueName: "i/n|auto"))
    var shard: String?

    @Argument(help: ArgumentHelp("JPEG or PNG images, folders of them, or @list.txt (one path a line).", valueName: "path"))
    var paths: [String]

    func validate() throws {
        guard k >= 1 else { throw ValidationError(TopImagesError.badK(k).localizedDescription) }
        if let shard, shard != "auto" {
            do { _ = try TopImagesShard.parse(shard, environment: [:]) } catch { throw ValidationError(Report.message(for: error)) }
        }
    }

    func run() throws {
        try Report.running {
            let part = try shard.map { try TopImagesShard.parse($0, environment: ProcessInfo.processInfo.environment) }
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
            let mine = images.indices.filter { part?.contains($0) ?? true }
            let start = MonotonicClock.seconds()
            var failures: [Status] = []
            var bar = ProgressBar(total: mine.count)
            for (n, i) in mine.enumerated() {
                do {
                    try job.add(try session.prepare(imageAt: images[i]), order: i)
                } catch {
                    bar.clear()
                    Report.error(error)
                    failures.append(Status(for: error))
                }
                bar.update(done: n + 1, seconds: MonotonicClock.seconds() - start)
            }
            bar.clear()
            let seconds = MonotonicClock.seconds() - start
            let read = mine.count - failures.count
            Report.note(String(format: "%d images in %.2f s, %.1f images/s", read, seconds, Double(read) / max(seconds, 1e-9)))
            if let part {
                let partial = try TopImagesPartial(job: job, shard: part, imageCount: images.count, imagesRead: read)
                let path = TopImagesPartial.fileName(directory: out, layer: choice.requested, shard: part)
                try AtomicFile.write(try partial.encoded(), to: path)
                Report.output(path)
                return failures.isEmpty ? .success : .partialFailure
            }
            if read == 0 { return failures[0] }
            try TopImagesOutput.write(job.rows, header: job.header, to: out)
            return failures.isEmpty ? .success : .partialFailure
        }
    }
}

/// TopImagesProgress's bar on stderr when stderr is a terminal, redrawn in place at most 10 times
/// a second (and for the last image); nothing otherwise. `clear` erases it before another line.
struct ProgressBar {
    let total: Int
    let terminal = isatty(STDERR_FILENO) == 1
    private var lastDraw = -1.0
    private var open = false

    init(total: Int) { self.total = total }

    mutating func update(done: Int, seconds: Double) {
        guard terminal, seconds - lastDraw >= 0.1 || done == total else { return }
        lastDraw = seconds
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + TopImagesProgress.line(done: done, total: total, seconds: seconds)).utf8))
        open = true
    }

    mutating func clear() {
        guard open else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        open = false
    }
}

/// The three result files of a run or a merge, each written whole (AtomicFile) and named on stdout.
enum TopImagesOutput {
    static func write(_ rows: [TopImageRow], header: TopImagesHeader, to out: String) throws {
        let stem = OutputPaths.safe(header.layer)
        for (ext, text) in [("csv", TopImagesTable.csv(rows)), ("json", TopImagesTable.json(rows, header: header))] {
            let path = OutputPaths.file(directory: out, stem: stem, layer: "top", extension: ext)
            try AtomicFile.write(Array(text.utf8), to: path)
            Report.output(path)
        }
        let sheet = OutputPaths.file(directory: out, stem: stem, layer: "top", extension: "png")
        try PNGOutput.write(
            TopImagesSheet.render(rows, header: header), to: sheet,
            text: [(key: "Layer", value: header.layerName), (key: header.modelKind, value: header.model)])
        Report.output(sheet)
    }
}

extension TopImagesScore: ExpressibleByArgument {}
