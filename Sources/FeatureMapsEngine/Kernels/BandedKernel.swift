import FeatureMapsKernelTypes
import Foundation

// The expansion and depthwise layer of a block on a large map, band by band: the expanded rows a
// band of depthwise outputs needs are computed into a small buffer (about 8 rows, 250-300 KB, in
// L2) and consumed at once, instead of writing the whole expanded map (4.8 MB for block_1 at 224)
// to L3 and reading it back. The output is bit-identical to the layer-by-layer path: the register
// GEMM and the depthwise kernel compute every value the same way whatever rows they are given.
// Used only when neither layer's intermediate outputs are requested and the expansion uses the
// register GEMM (OpenBLAS's results could depend on the row count), by the graph's fused block
// (Graph/Fast/BandedExpandDepthwise.swift).

extension Kernels {
    /// How a banded block splits its output rows: `chunks` tasks (max(2, threads), at most OH),
    /// each with a band buffer of `floats` floats, walking `bandOut` output rows at a time.
    struct BandLayout {
        let chunks: Int, perChunk: Int, bandOut: Int, bandRows: Int, floats: Int

        init(_ shape: DepthwiseShape, threads: Int) {
            bandOut = (8 - 3) / shape.stride + 1
            bandRows = (bandOut - 1) * shape.stride + 3
            chunks = min(shape.oh, max(2, threads))
            perChunk = (shape.oh + chunks - 1) / chunks
            floats = bandRows * shape.w * shape.c
        }
    }

    /// Expansion (1x1 Conv2D, register GEMM, `expand` epilogue) then depthwise 3x3 (`depthwise`
    /// epilogue), band by band: input HxWxCin at `input`, expand kernel [Cin, C], depthwise kernel
    /// [3, 3, C, 1], output shape.oh x shape.ow x C at `output` (`shape` is the depthwise layer's
    /// on the expanded HxWxC map). `bands` are BandLayout(shape, threads).chunks buffers of
    /// `.floats` floats. The output rows are split into chunks, each a task that walks its rows
    /// band by band, keeping the expanded rows two bands share. Bit-identical to the expansion
    /// then the depthwise layer on the whole map.
    static func bandedExpandDepthwise(
        _ pool: ThreadPool, simd: SIMDWidth, input: UnsafePointer<Float>, cin: Int, expandKernel: UnsafePointer<Float>,
        expand ee: Epilogue, depthwiseKernel: UnsafePointer<Float>, depthwise de: Epilogue, _ shape: DepthwiseShape,
        output: UnsafeMutablePointer<Float>, bands: [UnsafeMutablePointer<Float>]
    ) {
        let (h, w, c, stride) = (shape.h, shape.w, shape.c, shape.stride)
        let layout = BandLayout(shape, threads: pool.threads)
        let (bandOut, perChunk, rowFloats) = (layout.bandOut, layout.perChunk, w * c)
        require(bands.count >= layout.chunks, "banded block needs \(layout.chunks) band buffers")
        let gemm = simd.kernels.gemm
        let depthwise = (simd == .lanes16 && c % 16 == 0 ? SIMDWidth.lanes16 : .lanes8).kernels.depthwise
        pool.parallelFor((shape.oh + perChunk - 1) / perChunk) { t in
            let band = bands[t]
            var have = 0..<0  // expanded rows in `band`, from its start
            var oy0 = t * perChunk
            let end = min(shape.oh, oy0 + perChunk)
            while oy0 < end {
                let oy1 = min(end, oy0 + bandOut)
                let need = max(0, oy0 * stride - shape.padTop)..<min(h, (oy1 - 1) * stride - shape.padTop + 3)
                var first = need.lowerBound
                if have.contains(need.lowerBound) {  // keep the rows this band shares with the last
                    let keep = have.upperBound - need.lowerBound
                    memmove(
                        band, band + (need.lowerBound - have.lowerBound) * rowFloats,
                        keep * rowFloats * MemoryLayout<Float>.stride)
                    first = have.upperBound
                }
                if first < need.upperBound {
                    gemm(
                        input + first * w * cin, cin, expandKernel, c,
                        band + (first - need.lowerBound) * rowFloats, 0..<((need.upperBound - first) * w), 0..<c, ee)
                }
                have = need
                let bandShape = DepthwiseShape(
                    h: need.count, w: w, c: c, stride: stride,
                    padTop: shape.padTop + need.lowerBound - oy0 * stride,
                    padLeft: shape.padLeft, oh: oy1 - oy0, ow: shape.ow)
                depthwise(bandShape, 0..<(oy1 - oy0), band, depthwiseKernel, output + oy0 * shape.ow * c, de)
                oy0 = oy1
            }
        }
    }
}
