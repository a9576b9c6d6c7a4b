// NumPy broadcasting of a binary elementwise operation, as Keras's merge layers and keras.ops
// apply it: shapes aligned on their last axes, a size-1 axis (or a missing leading one) stretched.
// Legend: out has shape S (rank R); `a` and `b` are read through strides in S's index space, with
// stride 0 along every axis they stretch.

enum Broadcast {
    /// out[i] = op(a[ia], b[ib]) for every index i of `shape` (which must be their broadcast shape).
    /// When `a` already has that shape its storage is reused (in place if nothing else holds it).
    static func binary(_ a: consuming NDArray, _ b: NDArray, shape: Shape, _ op: (Float, Float) -> Float) -> NDArray {
        let sameA = a.shape == shape
        let sa = strides(of: a.shape, in: shape), sb = strides(of: b.shape, in: shape)
        var out = sameA ? a : NDArray(shape: shape)
        let rank = shape.rank, n = rank == 0 ? 1 : shape[rank - 1]
        let innerA = rank == 0 ? 0 : sa[rank - 1], innerB = rank == 0 ? 0 : sb[rank - 1]
        let rows = shape.count / max(1, n)
        let aData = sameA ? [] : a.data
        out.data.withUnsafeMutableBufferPointer { o in
            aData.withUnsafeBufferPointer { aSeparate in
                b.data.withUnsafeBufferPointer { bp in
                    for row in 0..<rows {
                        var offA = 0, offB = 0, rest = row
                        for axis in stride(from: rank - 2, through: 0, by: -1) {
                            let i = rest % shape[axis]
                            rest /= shape[axis]
                            offA += i * sa[axis]
                            offB += i * sb[axis]
                        }
                        let base = row * n
                        if sameA {
                            for j in 0..<n { o[base + j] = op(o[base + j], bp[offB + j * innerB]) }
                        } else {
                            for j in 0..<n { o[base + j] = op(aSeparate[offA + j * innerA], bp[offB + j * innerB]) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Strides of an array of shape `s` read in the index space of `target` (its broadcast shape):
    /// 0 along stretched and missing axes.
    static func strides(of s: Shape, in target: Shape) -> [Int] {
        let own = s.strides, offset = target.rank - s.rank
        return (0..<target.rank).map { axis in
            let k = axis - offset
            return k < 0 || s[k] == 1 ? 0 : own[k]
        }
    }
}
