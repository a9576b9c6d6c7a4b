// The float storage of the backward pass's gradients, kept between layers and between runs
// (GraphGradient.swift), keyed by element count: a layer that writes a fresh gradient takes one
// here instead of allocating, and the driver and the layers hand back the arrays they consumed.
// Without it every large gradient is a fresh mmap whose pages the kernel zeroes on first touch.
//
// Safe by value semantics: an array handed back while something else still holds its storage is
// copied (Swift's copy-on-write) by whichever holder writes first, so a pooled array never changes
// a value anyone can see; such a copy is a fresh allocation again, so a layer hands back the
// gradient it was given only when it wrote to it (then its reference was unique), not when it only
// read it (an Add gives the same array to both its inputs). Disabled (`GraphGradient(poolsGradients: false)`), `take` allocates as
// before and `recycle` drops the array: the same arithmetic, the same bits.

/// Gradient arrays by element count; one run at a time (the driver's thread only).
final class GradientPool {
    /// False: every array is a fresh allocation, nothing is kept.
    var enabled = true
    /// Arrays kept per element count: enough for a layer's input and output gradients and the
    /// driver's sums of a value read several times.
    static let perCount = 4
    private var free: [Int: [[Float]]] = [:]
    /// Bytes held now, and the most held at once since the pool was made.
    private(set) var bytes = 0, peakBytes = 0

    /// An array of `shape` whose elements the caller writes, every one, before reading any.
    func take(_ shape: Shape) -> NDArray {
        let n = shape.count
        if enabled, var list = free[n], let data = list.popLast() {
            free[n] = list
            bytes -= 4 * n
            return NDArray(shape: shape, data: data)
        }
        return NDArray.uninitialized(shape)
    }

    /// An array of `shape` filled with zeros.
    func zeros(_ shape: Shape) -> NDArray {
        guard enabled else { return NDArray(shape: shape) }
        var a = take(shape)
        a.data.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        return a
    }

    /// Keeps `a`'s storage for a later `take` of the same count (nothing when disabled, empty, or
    /// when `perCount` arrays of its count are kept already).
    func recycle(_ a: consuming NDArray) {
        let n = a.data.count
        guard enabled, n > 0, free[n, default: []].count < Self.perCount else { return }
        free[n, default: []].append(a.data)
        bytes += 4 * n
        peakBytes = max(peakBytes, bytes)
    }

    /// Drops every kept array.
    func removeAll() {
        free = [:]
        bytes = 0
    }
}
