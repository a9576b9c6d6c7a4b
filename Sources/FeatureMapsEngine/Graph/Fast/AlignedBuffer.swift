#if canImport(Glibc)
import Glibc
#endif
// The memory the fused kernels keep between runs (ScratchArena's buffers).

/// One float buffer, allocated once, aligned to 64 bytes (a cache line, one 16-lane vector): with
/// channel counts that are multiples of 16, every vector the kernels load then sits in one line.
/// Buffers of 2 MB and more are mapped directly and asked for transparent huge pages (madvise):
/// a page fault costs 2-3 us on the development machines, and the workspace's 8 MB took 2,000 of them.
final class Buffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    private let mapping: (base: UnsafeMutableRawPointer, length: Int)?

    static let hugePage = 2 << 20

    init(count: Int) {
        self.count = max(count, 1)
        let bytes = self.count * MemoryLayout<Float>.stride
        if bytes >= Self.hugePage,
            let base = mmap(nil, bytes + Self.hugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            base != MAP_FAILED
        {
            let start = (Int(bitPattern: base) + Self.hugePage - 1) / Self.hugePage * Self.hugePage
            let aligned = UnsafeMutableRawPointer(bitPattern: start)!
            _ = madvise(aligned, bytes, MADV_HUGEPAGE)  // a hint: without THP, ordinary pages
            mapping = (base, bytes + Self.hugePage)
            pointer = aligned.bindMemory(to: Float.self, capacity: self.count)  // mapped zero-filled
        } else {
            mapping = nil
            pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
                .bindMemory(to: Float.self, capacity: self.count)
            pointer.initialize(repeating: 0, count: self.count)
        }
    }

    deinit {
        if let mapping { munmap(mapping.base, mapping.length) } else { pointer.deallocate() }
    }
}
