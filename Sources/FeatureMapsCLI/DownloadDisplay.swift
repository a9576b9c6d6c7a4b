import Foundation
import FeatureMapsWeights

/// Shows a weights download on stderr. On a terminal: a header line, then a bar redrawn in place
/// (at most 10 times a second) with bytes, percent and rate, then where the file went. Otherwise
/// (a log, a pipe): one line, written as the download goes, e.g.
///   featuremaps: downloading URL ... 7145368 bytes (100%) in 1.2 s, 6.0 MB/s; verified, saved to PATH
/// While the bytes are in the temporary file, an interrupt (Ctrl-C, SIGTERM, SIGHUP) removes it.
final class DownloadDisplay: @unchecked Sendable {
    private let terminal: Bool
    private let lock = NSLock()
    /// A line is on stderr without its newline (the bar, or the one-line form).
    private var lineOpen = false
    private var lastDraw = -1.0
    /// The latest progress, drawn once more when a transfer fails between two redraws.
    private var latest: (received: Int64, expected: Int64?, elapsed: Double)?

    init(terminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.terminal = terminal
    }

    func handle(_ event: DownloadEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .started(let url, _, let temporary):
            InterruptCleanup.remove(onInterrupt: temporary)
            write(terminal ? "featuremaps: downloading \(url)\n" : "featuremaps: downloading \(url) ... ")
            lineOpen = !terminal
        case .progress(let r, let expected, let elapsed):
            latest = (r, expected, elapsed)
            guard terminal, elapsed - lastDraw >= 0.1 || r == expected else { return }
            lastDraw = elapsed
            write("\r\u{1B}[K" + Self.bar(received: r, expected: expected, elapsed: elapsed))
            lineOpen = true
        case .transferred(let bytes, let elapsed):
            if terminal {
                write("\r\u{1B}[K" + Self.bar(received: bytes, expected: bytes, elapsed: elapsed) + "\n")
                lineOpen = false
            } else {
                write("\(bytes) bytes (100%) in \(String(format: "%.1f", elapsed)) s, \(Self.rate(bytes, elapsed)); ")
            }
        case .saved(let path, let sha256):
            InterruptCleanup.clear()
            write(terminal ? "featuremaps: verified and saved \(path) (SHA-256 \(sha256))\n" : "verified, saved to \(path)\n")
            lineOpen = false
        }
    }

    /// Ends the display after success or failure (the error message follows on its own line).
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        InterruptCleanup.clear()
        if lineOpen && terminal, let latest {
            write("\r\u{1B}[K" + Self.bar(received: latest.received, expected: latest.expected, elapsed: latest.elapsed) + "\n")
        } else if lineOpen {
            write("failed\n")
        }
        lineOpen = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// "  [##########----------]  52%  3.7 / 7.1 MB  6.2 MB/s", or without bar and percent when the size is unknown.
    static func bar(received: Int64, expected: Int64?, elapsed: Double, width: Int = 30) -> String {
        let rate = rate(received, elapsed)
        guard let expected, expected > 0 else { return "  \(megabytes(received)) MB  \(rate)" }
        let fraction = min(1, Double(received) / Double(expected))
        let filled = Int(fraction * Double(width))
        return "  [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
            + String(format: " %3d%%", Int(fraction * 100)) + "  \(megabytes(received)) / \(megabytes(expected)) MB  \(rate)"
    }

    static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1e6) }

    static func rate(_ bytes: Int64, _ seconds: Double) -> String {
        seconds > 0 ? String(format: "%.1f MB/s", Double(bytes) / 1e6 / seconds) : "- MB/s"
    }
}

/// Removes a temporary file if the process is interrupted, then dies of the same signal. The path
/// is kept as a C string so the handler only calls async-signal-safe functions (unlink, signal, raise).
enum InterruptCleanup {
    private static var path: UnsafeMutablePointer<CChar>?
    private static let signals = [SIGINT, SIGTERM, SIGHUP]

    static func remove(onInterrupt temporary: String) {
        clear()
        path = strdup(temporary)
        for s in signals {
            signal(s) { received in
                if let p = InterruptCleanup.path { unlink(p) }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    static func clear() {
        guard let p = path else { return }
        for s in signals { signal(s, SIG_DFL) }
        path = nil
        free(p)
    }
}
