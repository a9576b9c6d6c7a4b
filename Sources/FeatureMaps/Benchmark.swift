import Foundation
import FeatureMapsEngine
import FeatureMapsWeights
import FeatureMapsSupport

/// What `featuremaps bench` measures: repeated forward passes on one prepared image, timed per
/// layer kind (see GraphBenchmark.swift), with the arithmetic each kind does.
public struct BenchmarkOptions: Sendable {
    /// Timed passes, after `warmup` untimed ones.
    public var runs: Int
    public var warmup: Int
    /// Threads of one forward pass.
    public var threads: Int
    /// Keras layer names to capture; the pass stops after the deepest one (default: predictions).
    public var layers: [String]
    /// Vector width of the engine's kernels (default: the widest this CPU runs).
    public var simd: SIMDWidth

    public init(runs: Int = 50, warmup: Int = 5, threads: Int = 1, layers: [String], simd: SIMDWidth = .best) {
        self.runs = runs
        self.warmup = warmup
        self.threads = threads
        self.layers = layers
        self.simd = simd
    }
}

/// Median, minimum and maximum of a set of durations, in milliseconds.
public struct TimingSummary: Sendable, Equatable {
    public let median: Double
    public let minimum: Double
    public let maximum: Double

    /// `milliseconds` must not be empty. The median of an even count is the mean of the middle two.
    public init(milliseconds: [Double]) {
        precondition(!milliseconds.isEmpty, "a timing summary needs at least one sample")
        let s = milliseconds.sorted()
        median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        minimum = s.first!
        maximum = s.last!
    }
}

public struct StageReport: Sendable {
    public let name: String
    /// Multiply-adds of the layers of this stage that the pass computed.
    public let multiplyAdds: Int
    public let timing: TimingSummary
}

public struct BenchmarkReport: Sendable {
    public let inputSize: Int
    public let threads: Int
    public let runs: Int
    /// The deepest requested layer: where every pass stopped.
    public let stopLayer: String
    public let stages: [StageReport]
    public let total: TimingSummary
    /// Every timed pass, in order.
    public let samples: [Double]
    /// Peak resident memory of the whole process so far (weights, buffers, libraries).
    public let peakResidentBytes: Int
    /// The kernel family OpenBLAS ran ("Haswell", "SkylakeX", ...).
    public let blasKernels: String
    /// The vector width of the engine's own kernels.
    public let simd: SIMDWidth
    /// Time to read and check the weights file (`Benchmark.weightsLoad`), when measured.
    public var weightsLoad: TimingSummary?
    /// The same read in this process, without the reader process, when measured.
    public var weightsLoadInProcess: TimingSummary?

    public var multiplyAdds: Int { stages.reduce(0) { $0 + $1.multiplyAdds } }
    /// Achieved GFLOP/s at the median time, counting a multiply-add as 2 floating-point operations.
    public var gflopsAtMedian: Double { 2 * Double(multiplyAdds) / (total.median * 1e6) }
    /// Forward passes per second at the median time.
    public var imagesPerSecond: Double { 1000 / total.median }
}

public enum Benchmark {
    /// Runs `options.warmup` + `options.runs` forward passes of `session`'s network on `image` and
    /// summarises the timed ones, per layer kind (GraphBenchmark.swift). Layer names must be Keras
    /// names (resolve aliases first).
    public static func run(_ session: Session, image: PreparedImage, options: BenchmarkOptions) throws -> BenchmarkReport {
        precondition(options.runs >= 1 && options.warmup >= 0, "bench needs at least one timed run")
        return try runGraph(session, image: image, options: options)
    }
}

extension Benchmark {
    /// Reads and checks the weights file at `path` `runs` times (`WeightsLoader.load`), timing each.
    /// `isolated`: through the reader process (what every command does); false: HDF5 in this process,
    /// to show what the isolation costs.
    public static func weightsLoad(path: String, runs: Int, isolated: Bool = true) throws -> TimingSummary {
        var samples: [Double] = []
        for _ in 0..<max(runs, 1) {
            let start = MonotonicClock.nanoseconds()
            _ = try WeightsLoader.load(path: path, isolated: isolated)
            samples.append(Double(MonotonicClock.nanoseconds() - start) / 1e6)
        }
        return TimingSummary(milliseconds: samples)
    }

    /// Reads, checks and builds the graph of the model file at `path` `runs` times (ModelFile.open).
    public static func modelLoad(path: String, runs: Int, inputSize: Int? = nil) throws -> TimingSummary {
        var samples: [Double] = []
        for _ in 0..<max(runs, 1) {
            let start = MonotonicClock.nanoseconds()
            _ = try ModelFile.open(path: path, inputSize: inputSize)
            samples.append(Double(MonotonicClock.nanoseconds() - start) / 1e6)
        }
        return TimingSummary(milliseconds: samples)
    }
}

public enum ProcessMemory {
    /// Peak resident set size of this process (`getrusage(RUSAGE_SELF)`, ru_maxrss in KiB on Linux).
    public static func peakResidentBytes() -> Int {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
    }
}

extension BenchmarkReport {
    /// The report as JSON; the total's median is `median_ms`.
    public var json: JSONValue {
        func ms(_ v: Double) -> JSONValue { .double((v * 1000).rounded() / 1000) }
        return .object([
            ("input_size", .int(inputSize)), ("threads", .int(threads)), ("runs", .int(runs)),
            ("openblas_kernels", .string(blasKernels)),
            ("simd_lanes", .int(simd.rawValue)),
            ("stop_layer", .string(stopLayer)), ("multiply_adds", .int(multiplyAdds)),
            ("median_ms", ms(total.median)), ("min_ms", ms(total.minimum)), ("max_ms", ms(total.maximum)),
            ("gflops", .double((gflopsAtMedian * 100).rounded() / 100)),
            ("images_per_second", .double((imagesPerSecond * 10).rounded() / 10)),
            ("peak_rss_bytes", .int(peakResidentBytes)),
            ("samples_ms", .array(samples.map(ms))),
            ("weights_load_ms", weightsLoad.map { .object([("median", ms($0.median)), ("min", ms($0.minimum))]) } ?? .null),
            (
                "weights_load_in_process_ms",
                weightsLoadInProcess.map { .object([("median", ms($0.median)), ("min", ms($0.minimum))]) } ?? .null
            ),
            (
                "stages",
                .array(
                    stages.map { s in
                        .object([
                            ("name", .string(s.name)), ("multiply_adds", .int(s.multiplyAdds)),
                            ("median_ms", ms(s.timing.median)), ("min_ms", ms(s.timing.minimum)), ("max_ms", ms(s.timing.maximum)),
                        ])
                    })
            ),
        ])
    }
}
