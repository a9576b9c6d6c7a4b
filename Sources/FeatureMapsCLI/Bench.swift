import ArgumentParser
import Foundation
import FeatureMaps
import FeatureMapsEngine

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the forward pass: per stage, total median/min/max, GFLOP/s, images per second, peak memory.",
        discussion: """
            Runs --warmup untimed passes, then --runs timed ones, on IMAGE (default: the built-in test image). \
            GFLOP/s counts 2 operations per multiply-add of the layers computed (300.8 M multiply-adds at \
            224x224 for alpha 1.0). The JSON's total median is `median_ms`.
            """)

    @OptionGroup var weightsOptions: WeightsOptions
    @OptionGroup var inputOptions: InputOptions

    @Option(name: .long, help: "Timed forward passes.")
    var runs = 50

    @Option(name: .long, help: "Untimed passes before the timed ones.")
    var warmup = 5

    @Option(name: .long, help: "Threads of the forward pass (1 to 64).")
    var threads = 1

    @Option(
        name: .long,
        help: ArgumentHelp("Stop after the deepest of these layers (default: predictions, or out_relu without a top).", valueName: "L1,L2"))
    var layers: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Vector width of the engine's own kernels: 8 (AVX2) or 16 (AVX-512; default where the CPU has it).", valueName: "lanes"))
    var simd: Int?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Argument(help: ArgumentHelp("A JPEG or PNG image (default: the built-in test image).", valueName: "image"))
    var image: String?

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs \(runs) must be at least 1") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads \(threads) is out of range: use 1 to 64") }
        guard warmup >= 0 else { throw ValidationError("--warmup \(warmup) must be 0 or more") }
        if let layers, parseLayerList(layers).isEmpty { throw ValidationError("--layers needs at least one layer name") }
        if let simd {
            guard let width = SIMDWidth(rawValue: simd) else { throw ValidationError("--simd \(simd) is not a width: use 8 or 16") }
            guard width.isSupported else { throw ValidationError("--simd 16 needs AVX-512, which this CPU does not have: use 8") }
        }
    }

    func run() throws {
        try Report.running {
            let session = try weightsOptions.openSession(inputOptions)
            let resolved = try session.resolve(layers: layers.map(parseLayerList) ?? [])
            let prepared =
                try image.map { try session.prepare(imageAt: $0) }
                ?? session.prepare(BuiltInImage.notebookTestImage(), path: BuiltInImage.name)
            let options = BenchmarkOptions(
                runs: runs, warmup: warmup, threads: threads, layers: resolved.map(\.key),
                simd: simd.flatMap(SIMDWidth.init(rawValue:)) ?? .best)
            var report = try Benchmark.run(session, image: prepared, options: options)
            // After the passes, so that the peak memory reported is the forward pass's.
            if case .mobileNetV2(_, let location) = session.network {
                report.weightsLoad = try Benchmark.weightsLoad(path: location.path, runs: 5)
                report.weightsLoadInProcess = try Benchmark.weightsLoad(path: location.path, runs: 5, isolated: false)
            } else {
                report.weightsLoad = try Benchmark.modelLoad(path: session.sourcePath, runs: 5)
            }
            Report.output(json ? report.json.encoded(pretty: true) : BenchOutput.table(report))
            return .success
        }
    }
}

enum BenchOutput {
    static func table(_ r: BenchmarkReport) -> String {
        func ms(_ v: Double) -> String { String(format: "%8.3f", v) }
        let width = max(14, (r.stages.map(\.name.count).max() ?? 0) + 2)
        var lines = [
            "forward pass \(r.inputSize)x\(r.inputSize), \(r.threads) thread(s), \(r.runs) runs, stops after \(r.stopLayer), "
                + "OpenBLAS \(r.blasKernels) kernels, engine kernels \(r.simd)",
            "stage".padding(toLength: width, withPad: " ", startingAt: 0) + "M mult-adds   median ms   min ms   max ms   GFLOP/s",
        ]
        for s in r.stages {
            let gflops = s.timing.median > 0 ? 2 * Double(s.multiplyAdds) / (s.timing.median * 1e6) : 0
            lines.append(
                s.name.padding(toLength: width, withPad: " ", startingAt: 0)
                    + String(format: "%11.2f", Double(s.multiplyAdds) / 1e6) + "    " + ms(s.timing.median)
                    + " " + ms(s.timing.minimum) + " " + ms(s.timing.maximum) + String(format: "%10.1f", gflops))
        }
        lines.append(
            String(
                format: "total %.2f M mult-adds: median %.3f ms, min %.3f ms, max %.3f ms",
                Double(r.multiplyAdds) / 1e6, r.total.median, r.total.minimum, r.total.maximum))
        lines.append(
            String(
                format: "%.1f GFLOP/s at the median, %.1f images/s, peak memory %.1f MB",
                r.gflopsAtMedian, r.imagesPerSecond, Double(r.peakResidentBytes) / 1e6))
        if let load = r.weightsLoad {
            var line = String(format: "weights load: median %.1f ms, min %.1f ms (5 loads, reader process)", load.median, load.minimum)
            if let own = r.weightsLoadInProcess {
                line += String(format: "; in this process: median %.1f ms, min %.1f ms", own.median, own.minimum)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
