import Foundation
import FeatureMaps
import FeatureMapsEngine
import Synchronization

/// A network the explorer serves: its session and the id that names it in URLs.
public struct ServedModel: Sendable {
    /// Server-made from the file name: letters, digits, '.', '_' and '-' only, unique among the models.
    public let id: String
    /// The file name it came from.
    public let name: String
    public let session: Session
    let passes: PassPool

    /// `takenIDs`: the ids of the models already served (a repeated file name gets "-2", "-3", ...).
    public init(session: Session, takenIDs: [String] = []) {
        self.session = session
        name = URL(fileURLWithPath: session.sourcePath).lastPathComponent
        let stem = URL(fileURLWithPath: session.sourcePath).deletingPathExtension().lastPathComponent
        let base = Self.slug(stem)
        var id = base
        var n = 2
        while takenIDs.contains(id) {
            id = "\(base)-\(n)"
            n += 1
        }
        self.id = id
        passes = PassPool(session: session)
    }

    /// `text` with every character outside [A-Za-z0-9._-] replaced by '-'; "model" when empty.
    static func slug(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let s = String(text.map { allowed.contains($0) ? $0 : "-" })
        return s.isEmpty || s.allSatisfy({ $0 == "." }) ? "model" : s
    }
}

/// One-thread forward passes of one session, reused request after request. A pass is taken by
/// one request at a time (NetworkPass is not Sendable: `Lease` carries it to the worker thread
/// that alone uses it until it is given back); at most as many exist as requests ran at once,
/// which the compute pool (Compute) bounds by its thread count.
final class PassPool: Sendable {
    let session: Session
    private let idle = Mutex<[Lease]>([])

    init(session: Session) { self.session = session }

    /// A NetworkPass owned by whoever holds the lease, until `give(back:)`.
    final class Lease: @unchecked Sendable {
        let pass: NetworkPass
        init(_ pass: NetworkPass) { self.pass = pass }
    }

    func take() -> Lease {
        idle.withLock { $0.popLast() } ?? Lease(NetworkPass(session: session, threads: 1))
    }

    func give(back lease: Lease) { idle.withLock { $0.append(lease) } }

    /// Runs `body` with a pass of its own.
    func with<T>(_ body: (NetworkPass) throws -> T) rethrows -> T {
        let lease = take()
        defer { give(back: lease) }
        return try body(lease.pass)
    }
}
