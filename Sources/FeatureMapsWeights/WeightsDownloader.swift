import Foundation
import Synchronization
import FeatureMapsSupport

/// What a download is doing, for a progress display. Library code prints nothing: the caller
/// renders these. Delivered in order, possibly from another thread than the caller's.
public enum DownloadEvent: Sendable, Equatable {
    /// The request is about to go out; the bytes go to `temporaryPath` until they are verified.
    case started(url: String, destination: String, temporaryPath: String)
    /// `received` of `expected` (nil when the server does not say) bytes after `elapsed` seconds.
    case progress(received: Int64, expected: Int64?, elapsed: Double)
    /// The whole body arrived; verification follows.
    case transferred(bytes: Int64, elapsed: Double)
    /// Verified and renamed into place.
    case saved(path: String, sha256: String)
}

public typealias DownloadProgressHandler = @Sendable (DownloadEvent) -> Void

/// Downloads a Keras weights file into the cache so that nothing partial or wrong is ever left
/// where it would be used: the bytes go to a hidden temporary file in the destination's directory,
/// which is renamed over the destination only after it passed every check:
///   1. status 200 and the whole body (Content-Length, or the chunked framing, honoured);
///   2. the SHA-256, when one is known for the variant (`DownloadSettings.expectedHash`);
///   3. it opens as HDF5 and passes `WeightsLoader`'s full check (every layer, every shape, finite values);
///   4. it is the variant asked for (width, and the classification top or its absence).
/// Any failure removes the temporary file and throws a one-line `WeightsError`.
public enum WeightsDownloader {
    public static func download(
        _ variant: WeightsVariant, from url: String, to path: String, settings: DownloadSettings,
        progress: DownloadProgressHandler? = nil
    ) throws -> LoadedWeights {
        let directory = (path as NSString).deletingLastPathComponent
        guard let requestURL = URL(string: url) else {
            throw WeightsError.badSetting(name: "FEATUREMAPS_WEIGHTS_URL", value: url, expected: "give a valid URL")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw WeightsError.cacheNotWritable(directory: directory, reason: "cannot create it")
        }
        var template = Array((directory + "/." + (path as NSString).lastPathComponent + ".download-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WeightsError.cacheNotWritable(directory: directory, reason: String(cString: strerror(errno))) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var fdOpen = true
        var kept = false
        defer {
            if fdOpen { close(fd) }
            if !kept { unlink(temporary) }
        }

        progress?(.started(url: url, destination: path, temporaryPath: temporary))
        let start = MonotonicClock.nanoseconds()
        func elapsed() -> Double { Double(MonotonicClock.nanoseconds() - start) / 1e9 }
        let hasher = HashBox()
        let bytes: Int64
        do {
            bytes = try HTTPTransfer.get(
                requestURL, into: fd, timeout: settings.timeout, consume: { hasher.update($0) },
                progress: { received, expected in
                    progress?(.progress(received: received, expected: expected, elapsed: elapsed()))
                })
        } catch let failure as DownloadFailure {
            throw WeightsError.downloadFailed(url: url, failure, directory: directory)
        }
        _ = fchmod(fd, 0o644)  // mkstemp's 0600 would hide the cache file from other users; failing leaves it usable
        let synced = fsync(fd) == 0 ? 0 : errno
        fdOpen = false
        let closed = close(fd) == 0 ? 0 : errno
        if synced != 0 || closed != 0 {
            let message = String(cString: strerror(synced != 0 ? synced : closed))
            throw WeightsError.downloadFailed(url: url, .writeFailed(message), directory: directory)
        }
        progress?(.transferred(bytes: bytes, elapsed: elapsed()))

        let sha256 = hasher.finalize()
        if let expected = settings.expectedHash(for: variant), expected != sha256 {
            throw WeightsError.checksumMismatch(url: url, expected: expected, found: sha256, directory: directory)
        }
        let loaded: LoadedWeights
        do {
            loaded = try WeightsLoader.load(path: temporary)
        } catch let e as WeightsError {
            throw WeightsError.downloadRejected(url: url, reason: e.problem, directory: directory)
        }
        if let mismatch = mismatch(loaded, variant) {
            throw WeightsError.downloadRejected(url: url, reason: mismatch, directory: directory)
        }
        guard rename(temporary, path) == 0 else {
            throw WeightsError.cacheNotWritable(directory: directory, reason: String(cString: strerror(errno)))
        }
        kept = true
        progress?(.saved(path: path, sha256: sha256))
        return LoadedWeights(path: path, model: loaded.model, stored: loaded.stored)
    }

    /// Why `loaded` is not `variant`, or nil when it is.
    public static func mismatch(_ loaded: LoadedWeights, _ variant: WeightsVariant) -> String? {
        let a = loaded.model.architecture
        let found =
            "alpha \(a.alpha.map { String($0) } ?? "of no published width") "
            + (a.classes.map { "with a \($0)-class top" } ?? "without top")
        let wanted = "alpha \(variant.alpha) " + (variant.includeTop ? "with a 1000-class top" : "without top")
        let sameTop = variant.includeTop ? a.classes == 1000 : a.classes == nil
        return a.alpha == variant.alphaValue && sameTop ? nil : "it holds MobileNetV2 \(found), not the requested \(wanted)"
    }

    /// The running hash, fed from the transfer's queue and read after it finished.
    private final class HashBox: Sendable {
        private let sha = Mutex(Digest.Running())
        func update(_ data: Data) { sha.withLock { $0.update(data) } }
        func finalize() -> String { sha.withLock { $0.hex() } }
    }
}
