import Foundation
import Synchronization
import FeatureMapsEngine

extension Session {
    /// Decodes, prepares and classifies every image of `paths`, returning the top `k` classes of
    /// each (or why it failed), in input order. Several images: `threads` workers, each with its own
    /// one-thread forward pass, take the next image as they finish one, so one image is decoded
    /// while another is in its forward pass and every core is busy. One image: one forward pass
    /// with `threads` threads. Results do not depend on `threads` (see `NetworkPass`).
    public func classifyAll(_ paths: [String], top k: Int, threads: Int) -> [Result<[Prediction], Error>] {
        let workers = max(1, min(threads, paths.count))
        if workers == 1 {
            let pass = NetworkPass(session: self, threads: max(1, threads))
            return paths.map { path in Result { try classify(try prepare(imageAt: path), top: k, using: pass) } }
        }
        let queue = WorkQueue(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let pass = NetworkPass(session: self, threads: 1)
            while let i = queue.claim() {
                queue.finish(i, Result { try classify(try prepare(imageAt: paths[i]), top: k, using: pass) })
            }
        }
        return queue.results.map { $0! }
    }

    /// How many threads the commands use: the machine's cores, at most 8 (a layer has at most 18
    /// tasks, and each image worker holds its own 8 MB of buffers).
    public static var defaultThreads: Int { min(8, max(1, ProcessInfo.processInfo.activeProcessorCount)) }
}

/// Hands out indices 0..<count once each and collects one result per index (one `Mutex` over both).
private final class WorkQueue: Sendable {
    private struct State {
        var next = 0
        var results: [Result<[Prediction], Error>?]
    }
    private let state: Mutex<State>

    init(count: Int) { state = Mutex(State(results: Array(repeating: nil, count: count))) }

    var results: [Result<[Prediction], Error>?] { state.withLock { $0.results } }

    func claim() -> Int? {
        state.withLock { s in
            guard s.next < s.results.count else { return nil }
            s.next += 1
            return s.next - 1
        }
    }

    func finish(_ i: Int, _ result: Result<[Prediction], Error>) {
        state.withLock { $0.results[i] = result }
    }
}
