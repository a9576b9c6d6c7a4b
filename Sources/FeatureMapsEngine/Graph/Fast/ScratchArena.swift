// Buffers the fused kernels compute their inner values in (an inverted residual block's expanded
// and depthwise maps, band buffers, im2col rows), kept between runs:
// 64-byte aligned (a value of an NDArray is a Swift array, whose elements start 16 or 48 bytes
// into a cache line; 16-lane loads and stores across two lines cost MobileNetV2's kernels
// 3-4 % of a MobileNetV2 run, measured), and, from 2 MB, huge pages, so no page faults after the
// first run. One run at a time per context, and one fused step at a time: a slot is valid until
// the next call for that slot.

/// Aligned buffers by slot, each grown when a step needs more.
final class ScratchArena {
    enum Slot: Int, CaseIterable {
        /// A fused block's depthwise output (the projection's input).
        case depthwiseOutput
        /// An expansion's output, when it is not banded.
        case expanded
        /// Band buffers of the banded expansion + depthwise.
        case bands
        /// Conv1's im2col rows.
        case columns
        /// The values between the steps of a FusedSequenceLayer, alternately.
        case sequenceA, sequenceB
    }

    private var buffers = [Buffer?](repeating: nil, count: Slot.allCases.count)

    /// Every buffer has at least 2 MB: a huge page (Buffer.hugePage).
    static let minimumFloats = Buffer.hugePage / MemoryLayout<Float>.stride

    /// At least `floats` floats, 64-byte aligned, contents undefined. Conv1's im2col rows share the
    /// depthwise map's buffer: each lives within one step, never both at once, and the stem then
    /// writes into memory the blocks keep warm (a buffer of its own cost the stem ~1 % of a
    /// MobileNetV2 pass, measured with perf).
    func buffer(_ slot: Slot, floats: Int) -> UnsafeMutablePointer<Float> {
        let i = slot == .columns ? Slot.depthwiseOutput.rawValue : slot.rawValue
        if let b = buffers[i], b.count >= floats { return b.pointer }
        let b = Buffer(count: max(floats, Self.minimumFloats, 2 * (buffers[i]?.count ?? 0)))
        buffers[i] = b
        return b.pointer
    }
}
