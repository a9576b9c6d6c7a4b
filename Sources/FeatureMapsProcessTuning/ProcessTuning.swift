import CMalloc
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Memory settings for a short-lived process that loads one model and exits: the `featuremaps`
/// command and the weights reader (featuremaps-hdf5-reader) call it first thing. They change the
/// whole process's malloc, so no library module calls them: this target is in no product, and a
/// library user who wants the same calls mallopt(3) in their own program (see README, "Library").
package enum ProcessTuning {
    /// glibc's malloc serves blocks up to 32 MB from its heap (`M_MMAP_THRESHOLD`, instead of one
    /// fresh mapping per weight array), keeps what it frees (`M_TRIM_THRESHOLD` 1 GB), and grows
    /// its heap once by `reserve` bytes that are asked for transparent huge pages. First touches
    /// of fresh pages cost 2-3 us each on the development machines; the weights and images of one
    /// command touch thousands of them. Without glibc's mallopt, or without THP, this does
    /// nothing harmful (the reserve is then grown and freed in ordinary pages).
    package static func preferLargeHeapPages(reserve: Int = 48 << 20) {
        _ = cmalloc_set_mmap_threshold(32 << 20)
        _ = cmalloc_set_trim_threshold(1 << 30)
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
    }
}
