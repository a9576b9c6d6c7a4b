import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking  // URLSession on Linux (libcurl underneath)
#endif

// The only file that touches the network. One HTTP(S) GET whose body is streamed into a file
// descriptor; every way it can fail becomes a `DownloadFailure`. No retries, no redirects to
// other schemes, no caching; http and https only.

/// Why a transfer failed; the caller adds the URL.
public enum DownloadFailure: Error, Equatable, Sendable {
    /// The server answered with a status other than 200.
    case httpStatus(Int)
    /// Nothing arrived for `seconds` (while connecting or in the middle of the body).
    case timedOut(seconds: Double)
    /// The connection ended before the body did: `received` bytes of `expected` (nil: unknown).
    case cutShort(received: Int64, expected: Int64?)
    /// Could not connect or the connection failed: the system's own words.
    case connection(String)
    /// Writing the received bytes to the temporary file failed (disk full?).
    case writeFailed(String)
}

/// Bytes received so far and the total the server announced (nil when it did not).
typealias TransferProgress = (_ received: Int64, _ expected: Int64?) -> Void

enum HTTPTransfer {
    /// GETs `url` and writes its body to `fd`, passing each piece to `consume` (for hashing) and
    /// reporting progress, both called serially from a private queue. `timeout`: the longest wait
    /// for the connection or for the next bytes. Returns the number of body bytes; succeeds only
    /// on status 200 with the whole body (as many bytes as Content-Length said, when it said).
    static func get(
        _ url: URL, into fd: Int32, timeout: Double, consume: @escaping (Data) -> Void,
        progress: @escaping TransferProgress
    ) throws -> Int64 {
        // swift-corelibs-foundation restarts this timer whenever bytes arrive (an idle timeout, not a
        // total one) and truncates it to whole seconds: never pass less than 1.
        let timeout = max(1, timeout.rounded(.up))
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        let receiver = Receiver(fd: fd, timeout: timeout, consume: consume, progress: progress)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: receiver, delegateQueue: queue)
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")  // byte counts = file size
        request.setValue("featuremaps", forHTTPHeaderField: "User-Agent")
        session.dataTask(with: request).resume()
        receiver.done.wait()
        session.finishTasksAndInvalidate()
        return try receiver.result()
    }

    /// URLSession's delegate: checks the status, writes the body, records the outcome.
    /// `@unchecked Sendable` because URLSession requires a Sendable delegate while this one has
    /// mutable state: safe because URLSession calls it only on its own serial delegate queue, and
    /// the caller reads `result()` only after `done` is signalled (the semaphore orders the two).
    private final class Receiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        let fd: Int32
        let timeout: Double
        let consume: (Data) -> Void
        let progress: TransferProgress
        let done = DispatchSemaphore(value: 0)
        // Touched only on the delegate queue until `done` is signalled.
        private var received: Int64 = 0
        private var expected: Int64?
        private var responded = false
        private var failure: DownloadFailure?

        init(fd: Int32, timeout: Double, consume: @escaping (Data) -> Void, progress: @escaping TransferProgress) {
            self.fd = fd
            self.timeout = timeout
            self.consume = consume
            self.progress = progress
        }

        func urlSession(
            _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
            completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
        ) {
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard status == 200 else {
                failure = .httpStatus(status)
                return completionHandler(.cancel)
            }
            // Content-Length counts encoded bytes; should a server compress anyway, libcurl decodes.
            let encoding = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Encoding") ?? "identity"
            let length = response.expectedContentLength
            expected = length >= 0 && encoding.lowercased() == "identity" ? length : nil
            responded = true
            progress(0, expected)
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            guard failure == nil else { return }
            let error: Int32? = data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += n
                }
                return nil
            }
            if let error {
                failure = .writeFailed(String(cString: strerror(error)))
                return dataTask.cancel()
            }
            consume(data)
            received += Int64(data.count)
            progress(received, expected)
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
            if failure == nil, let error {
                failure = classify(error)
            }
            if failure == nil, let expected, received != expected {
                failure = .cutShort(received: received, expected: expected)
            }
            done.signal()
        }

        func result() throws -> Int64 {
            if let failure { throw failure }
            return received
        }

        /// URLError -> DownloadFailure. Once a 200 response has begun, any error but a timeout means
        /// the body was cut: libcurl's "transfer closed with N bytes remaining" (a short body, or
        /// a chunked body without its last chunk) arrives as NSURLErrorUnknown, a reset as
        /// NSURLErrorNetworkConnectionLost.
        private func classify(_ error: Error) -> DownloadFailure {
            let e = error as NSError
            if e.domain == NSURLErrorDomain, e.code == NSURLErrorTimedOut { return .timedOut(seconds: timeout) }
            if responded { return .cutShort(received: received, expected: expected) }
            let detail = e.localizedDescription
            return .connection(detail.isEmpty ? "URL error \(e.code)" : "\(detail) (URL error \(e.code))")
        }
    }
}
