import Foundation

/// Why `top-images` refuses to start, or `top-images merge` to merge: one line naming the value
/// or the files and what to do.
public enum TopImagesError: Error, Equatable, Sendable {
    /// The layer's value is not an (H, W, C) map (a vector such as predictions).
    case notAMap(layer: String, shape: String)
    case badK(Int)
    case noImages(arguments: [String])
    case listUnreadable(String)
    /// --shard text that is not "auto" or i/n with 0 <= i < n.
    case badShard(String)
    case noShardEnvironment
    case shardEnvironment(name: String, value: String)
    case notAShard(file: String, reason: String)
    case noShards(arguments: [String])
    case shardsDiffer(what: String, first: String, firstValue: String, other: String, otherValue: String)
    case shardDuplicated(index: Int, count: Int, first: String, second: String)
    case shardMissing(index: Int, count: Int, layer: String)
    /// An image a shard file lists is gone; merge needs it for the contact sheet.
    case imageMissing(image: String, shardFile: String)
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
        case .badShard(let s):
            return "--shard \(s) is not i/n with 0 <= i < n (0-based, as Kubernetes' JOB_COMPLETION_INDEX), e.g. 0/4 ... 3/4, or auto"
        case .noShardEnvironment:
            return "--shard auto found neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job, with JOB_COMPLETIONS) nor "
                + "SLURM_ARRAY_TASK_ID (Slurm job array); give --shard i/n instead"
        case .shardEnvironment(let name, let value):
            return "--shard auto: \(name) is \(value), which gives no shard i of n with 0 <= i < n; set both variables, or give --shard i/n"
        case .notAShard(let f, let reason): return "shard file '\(f)': \(reason); give the files top-images --shard wrote, or their folders"
        case .noShards(let a):
            return "no top-images shard file (<layer>_top.shard-<i>-of-<n>.json) in \(a.joined(separator: " ")); give the --out folders of the shards"
        case .shardsDiffer(let what, let f, let fv, let o, let ov):
            return "shard files \(f) (\(fv)) and \(o) (\(ov)) are of different \(what); merge the shards of one run only"
        case .shardDuplicated(let i, let n, let f, let s):
            return "shard \(i) of \(n) appears twice: \(f) and \(s); give each shard once"
        case .shardMissing(let i, let n, let l):
            return "shard \(i) of \(n) is missing (\(l)_top.shard-\(i)-of-\(n).json); run top-images --shard \(i)/\(n) and merge again"
        case .imageMissing(let image, let file):
            return "image '\(image)' listed in \(file) is missing; merge reads the original images for the contact sheet: run it where they are"
        }
    }
}
