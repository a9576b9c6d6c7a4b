import NIOPosix

/// Where the CPU work of a request (decoding, forward and backward passes, PNG encoding) runs:
/// NIO's shared blocking-work pool (one thread per core), off the threads that serve HTTP, so a
/// slow explanation never stalls other connections, and at most one pass per core runs at once.
enum Compute {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
