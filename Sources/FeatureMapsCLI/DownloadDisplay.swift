import Foundation
import Synchronization
import FeatureMapsWeights

/// Shows a weights download on stderr. On a terminal: a header line, then a bar redrawn in place
/// (at most 10 times a second) with bytes, percent and rate, then where the file went. Otherwise
/// (a log, a pipe): one line, written as the download goes, e.g.
///   featuremaps: downloading URL ... 7145368 bytes (100%) in 1.2 s, 6.0 MB/s; verified, saved to PATH
/// While the bytes are in the temporary file, an interrupt (Ctrl-C, SIGTERM, SIGHUP) removes it.
/// Events arrive on the transfer's queue: one `Mutex` over the display's state, held while a line is written.
final class DownloadDisplay: Sendable {
    private let terminal: Bool
    private struct State {
        /// A line is on stderr without its newline (the bar, or the one-line form).
        var lineOpen = false
        var lastDraw = -1.0
        /// The latest progress, drawn once more when a transfer fails between two redraws.
        var latest: (received: Int64, expected: Int64?, elapsed: Double)?
    }
    private let state = Mutex(State())

    init(terminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.terminal = terminal
    }

    func handle(_ event: DownloadEvent) {
        state.withLock { handle(event, &$0) }
    }

    private func handle(_ event: DownloadEvent, _ s: inout State) {
        switch event {
        case .started(let url, _, let temporary):
            InterruptCleanup.remove(onInterrupt: temporary)
            write(terminal ? "featuremaps: downloading \(url)\n" : "featuremaps: downloading \(url) ... ")
            s.lineOpen = !terminal
        case .progress(let r, let expected, let elapsed):
            s.latest = (r, expected, elapsed)
            guard terminal, elapsed - s.lastDraw >= 0.1 || r == expected else { return }
            s.lastDraw = elapsed
            write("\r\u{1B}[K" + Self.bar(received: r, expected: expected, elapsed: elapsed))
            s.lineOpen = true
        case .transferred(let bytes, let elapsed):
            if terminal {
                write("\r\u{1B}[K" + Self.bar(received: bytes, expected: bytes, elapsed: elapsed) + "\n")
                s.lineOpen = false
            } else {
                write("\(bytes) bytes (100%) in \(String(format: "%.1f", elapsed)) s, \(Self.rate(bytes, elapsed)); ")
            }
        case .saved(let path, let sha256):
            InterruptCleanup.clear()
            write(terminal ? "featuremaps: verified and saved \(path) (SHA-256 \(sha256))\n" : "verified, saved to \(path)\n")
            s.lineOpen = false
        }
    }

    /// Ends the display after success or failure (the error message follows on its own line).
    func finish() {
        state.withLock { finish(&$0) }
    }

    private func finish(_ s: inout State) {
        InterruptCleanup.clear()
        if s.lineOpen && terminal, let latest = s.latest {
            write("\r\u{1B}[K" + Self.bar(received: latest.received, expected: latest.expected, elapsed: latest.elapsed) + "\n")
        } else if s.lineOpen {
            write("failed\n")
        }
        s.lineOpen = false
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
/// is kept as a C string whose address is in an atomic integer (lock-free, so reading it is
/// async-signal-safe; 0 = none), and the
/// handler only calls async-signal-safe functions (unlink, signal, raise). `clear` first restores
/// the default handlers, then takes the pointer out of the atomic, then frees it, so a handler that
/// starts after `clear` began sees either the whole path or none.
enum InterruptCleanup {
    private static let path = Atomic<Int>(0)
    private static let signals = [SIGINT, SIGTERM, SIGHUP]

    static func remove(onInterrupt temporary: String) {
        clear()
        path.store(Int(bitPattern: strdup(temporary)), ordering: .sequentiallyConsistent)
        for s in signals {
            signal(s) { received in
                if let p = UnsafePointer<CChar>(bitPattern: InterruptCleanup.path.load(ordering: .sequentiallyConsistent)) { unlink(p) }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    static func clear() {
        for s in signals { signal(s, SIG_DFL) }
        free(UnsafeMutablePointer<CChar>(bitPattern: path.exchange(0, ordering: .sequentiallyConsistent)))
    }
}
