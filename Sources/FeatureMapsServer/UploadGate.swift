import Synchronization

/// At most `limit` uploads are read and decoded at once; the others wait their turn, in order.
/// Bounds the memory of uploads in flight: `limit` x ExplorerServer.maxUploadBytes of bodies
/// (8 x 20 MB = 160 MB) plus their decoded pixels, however many clients send at once.
final class UploadGate: Sendable {
    static let defaultLimit = 8

    let limit: Int
    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    init(limit: Int = UploadGate.defaultLimit) {
        precondition(limit >= 1, "the gate must let one upload through")
        self.limit = limit
    }

    /// Runs `body` once fewer than `limit` others run.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { s -> Bool in
                guard s.running < limit else {
                    s.waiting.append(c)
                    return false
                }
                s.running += 1
                return true
            }
            if admitted { c.resume() }
        }
    }

    /// Hands the place to the longest waiting upload, or frees it.
    private func leave() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard !s.waiting.isEmpty else {
                s.running -= 1
                return nil
            }
            return s.waiting.removeFirst()
        }
        next?.resume()
    }
}
