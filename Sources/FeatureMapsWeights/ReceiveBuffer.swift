#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import FeatureMapsSupport

/// The caller's copy of the reader's message: one anonymous mapping asked for transparent huge
/// pages (a page fault costs 2-3 us on the development machines; 14 MB in 4 KB pages were 3,500
/// of them), doubled when the message outgrows it. `release` unmaps it. Used by one thread.
final class ReceiveBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0

    struct OutOfMemory: Error, CustomStringConvertible {
        let bytes: Int
        var description: String { "could not map \(bytes) bytes to receive the weights (out of memory)" }
    }

    init(capacity: Int) throws {
        self.capacity = max(capacity, 1 << 20)
        base = try Self.map(self.capacity)
    }

    var spare: Int { capacity - count }
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Everything `fd` delivers until end of file, or nil when `deadline` seconds pass first
    /// (poll(2) between reads). `expected` bytes are mapped at first.
    static func readToEnd(_ fd: Int32, deadline: Double, expected: Int) throws -> ReceiveBuffer? {
        let buffer = try ReceiveBuffer(capacity: expected)
        let end = MonotonicClock.seconds() + deadline
        while true {
            let left = end - MonotonicClock.seconds()
            if left <= 0 { buffer.release(); return nil }
            var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&waiting, 1, Int32(min(left * 1000, 60_000)) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            if buffer.spare < 1 << 16 {
                do { try buffer.grow() } catch { buffer.release(); throw error }
            }
            let n = read(fd, buffer.base + buffer.count, buffer.spare)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return buffer }
            buffer.count += n
        }
    }

    func grow() throws {
        let bigger = try Self.map(capacity * 2)
        bigger.copyMemory(from: base, byteCount: count)
        munmap(base, capacity)
        base = bigger
        capacity *= 2
    }

    func release() {
        if capacity > 0 { munmap(base, capacity) }
        capacity = 0
        count = 0
    }

    private static func map(_ length: Int) throws -> UnsafeMutableRawPointer {
        guard let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            throw OutOfMemory(bytes: length)
        }
        _ = madvise(p, length, MADV_HUGEPAGE)  // a hint: without THP, ordinary pages
        return p
    }
}
