#if canImport(Glibc)
import Glibc
#endif

/// Opt-in memory settings for a short-lived process that loads one model and exits, like the
/// `featuremaps` command. The library applies them only inside its own weights-reader child
/// (IsolatedReader), never to the caller's process: they change the whole process's malloc.
public enum ProcessTuning {
    /// glibc's malloc serves blocks up to 32 MB from its heap (instead of one fresh mapping per
    /// weight array), keeps what it frees, and grows its heap once by `reserve` bytes that are asked
    /// for transparent huge pages. First touches of fresh pages cost 2-3 us each on the
    /// development machines; the weights and images of one command touch thousands of them.
    /// Without glibc's `mallopt`, or without THP, this does nothing harmful.
    public static func preferLargeHeapPages(reserve: Int = 48 << 20) {
        #if canImport(Glibc)
        // mallopt(3) is in <malloc.h>, which Swift's Glibc module does not include: looked up.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD
        _ = mallopt(-1, 1 << 30)   // M_TRIM_THRESHOLD
        // The heap grows by `reserve` in blocks below the mmap threshold (a single larger block
        // would be a mapping of its own, unmapped again by free). Freed, the blocks merge into the
        // heap's top, where the next allocations are carved.
        let piece = 16 << 20, hugePage = 2 << 20
        var blocks: [UnsafeMutableRawPointer] = []
        blocks.reserveCapacity(reserve / piece + 1)
        var grown = 0
        while grown < reserve, let block = malloc(min(piece, reserve - grown)) {
            blocks.append(block)
            grown += min(piece, reserve - grown)
        }
        if let first = blocks.first, let last = blocks.last {
            let start = (Int(bitPattern: first) + hugePage - 1) / hugePage * hugePage
            let end = Int(bitPattern: last) + min(piece, reserve - (blocks.count - 1) * piece)
            if end - start > hugePage { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        }
        for block in blocks.reversed() { free(block) }
        #endif
    }
}
