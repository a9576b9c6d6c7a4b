import ArgumentParser
import Foundation
import FeatureMaps

struct TopImagesMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the shard files of 'top-images --shard i/n' into the files one process would have written.",
        discussion: """
            Reads every <layer>_top.shard-<i>-of-<n>.json in the given folders (or the files given), checks that \
            they are the n shards of one run (same layer, model, -k, --by, --channels, n and image list; each i once), \
            and writes DIR/<layer>_top.csv, .json and .png, byte for byte what one process over all images writes. \
            The contact sheet needs the original images: merge reads them at the paths the shards recorded.
            """)

    @Option(name: .long, help: ArgumentHelp("Directory for the results (created if missing).", valueName: "dir"))
    var out = "."

    @Argument(help: ArgumentHelp("Folders holding the shard files (the shards' --out), or shard files.", valueName: "dir"))
    var shards: [String]

    func run() throws {
        try Report.running {
            let files = try TopImagesMerge.shardFiles(shards)
            let partials = try files.map { (file: $0, partial: try TopImagesPartial.read($0)) }
            let merged = try TopImagesMerge.merge(partials)
            for image in Set(merged.rows.map(\.image)).sorted() where !FileManager.default.fileExists(atPath: image) {
                let file = partials.first { $0.partial.rows.contains { $0.image == image } }!.file
                throw TopImagesError.imageMissing(image: image, shardFile: file)
            }
            try AtomicFile.prepareDirectory(out)
            try TopImagesOutput.write(merged.rows, header: merged.header, to: out)
            Report.note("merged \(files.count) shards: \(merged.imagesRead) of \(merged.imageCount) images read")
            return .success
        }
    }
}
