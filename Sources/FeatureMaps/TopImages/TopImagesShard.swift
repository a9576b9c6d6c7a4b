/// One shard of a `top-images` run: shard `index` of `count` (0-based, 0 <= index < count, as
/// Kubernetes' JOB_COMPLETION_INDEX) takes the images of the sorted, expanded list whose position
/// p satisfies p % count == index, each keeping p as its order, so ties break as in one process.
public struct TopImagesShard: Codable, Equatable, Sendable {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(index), "shard index must be 0..<count")
        self.index = index
        self.count = count
    }

    /// Whether the image at `position` of the sorted list belongs to this shard.
    public func contains(_ position: Int) -> Bool { position % count == index }

    /// "i/n" (0 <= i < n, decimal), or "auto": a Kubernetes Indexed Job's JOB_COMPLETION_INDEX
    /// and JOB_COMPLETIONS, else a Slurm job array's SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN
    /// (0 when unset), divided by SLURM_ARRAY_TASK_STEP (1 when unset), of SLURM_ARRAY_TASK_COUNT.
    /// Throws TopImagesError.badShard / .shardEnvironment with the offending text.
    public static func parse(_ text: String, environment: [String: String]) throws -> TopImagesShard {
        if text == "auto" { return try fromEnvironment(environment) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = decimal(parts[0]), let n = decimal(parts[1]), n >= 1, i < n else {
            throw TopImagesError.badShard(text)
        }
        return TopImagesShard(index: i, count: n)
    }

    static func fromEnvironment(_ env: [String: String]) throws -> TopImagesShard {
        func number(_ name: String) throws -> Int? {
            guard let v = env[name], !v.isEmpty else { return nil }
            guard let n = decimal(Substring(v)) else { throw TopImagesError.shardEnvironment(name: name, value: v) }
            return n
        }
        var index: Int?, count: Int?, source = ""
        if let i = try number("JOB_COMPLETION_INDEX") {
            (index, count, source) = (i, try number("JOB_COMPLETIONS"), "JOB_COMPLETION_INDEX=\(i), JOB_COMPLETIONS")
        } else if let id = try number("SLURM_ARRAY_TASK_ID") {
            let low = try number("SLURM_ARRAY_TASK_MIN") ?? 0, step = max(1, try number("SLURM_ARRAY_TASK_STEP") ?? 1)
            if id >= low, (id - low) % step == 0 { index = (id - low) / step }
            count = try number("SLURM_ARRAY_TASK_COUNT")
            source = "SLURM_ARRAY_TASK_ID=\(id) (min \(low), step \(step)), SLURM_ARRAY_TASK_COUNT"
        } else {
            throw TopImagesError.noShardEnvironment
        }
        guard let i = index, let n = count, n >= 1, i < n else {
            throw TopImagesError.shardEnvironment(name: source, value: count.map(String.init) ?? "unset")
        }
        return TopImagesShard(index: i, count: n)
    }

    /// A non-negative decimal number, digits only (no sign, no spaces).
    static func decimal(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(s)
    }
}
