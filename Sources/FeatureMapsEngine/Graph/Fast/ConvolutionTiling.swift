// How ConvolutionGEMM.conv2d splits a convolution's output C[M x F] (M = OH*OW pixels, F
// filters) into tiles, one GEMM call each: bands of whole output rows times blocks of filters.
// The tiles depend only on the layer's shape, never on the thread count, so every output is
// computed by the same GEMM call on any number of threads.
//
// What a tile costs beyond its multiply-adds: OpenBLAS packs the tile's K x Fb block of the
// kernel for every call (sgemm_itcopy) and its Mb x K block of the im2col rows (sgemm_oncopy), and
// the epilogue wants the tile's outputs in cache. So a band has about `targetOutputs` outputs and,
// for a 1x1 convolution (no im2col rows to keep in cache), at least `minimumPixels` rows of the
// GEMM: below that, packing the kernel again costs more than the multiply-adds it feeds
// (ResNet50's 14x14x1024 and 7x7x2048 expansions had 56- and 28-row bands; measured: its
// Conv2D+BN+Add+ReLU chains 16.2 -> 13.5 ms at 1 thread). Filters are split in blocks only when
// the bands are too few to share between two threads, where the repacked im2col rows are few.

struct ConvolutionTiling: Equatable {
    /// Output rows per band (the last band may have fewer).
    let rowsPerBand: Int
    let bands: Int
    /// Filters per block, a multiple of 16 except the last block (which may have fewer).
    let filtersPerBlock: Int
    let blocks: Int

    /// Rows of a 1x1 convolution's GEMM per band at least (see the top of the file).
    static let minimumPixels = 512
    /// Outputs per band about (below `minimumPixels`): those of the engine's other bands.
    static let targetOutputs = 65_536
    /// Tasks a layer should have at least, so that two threads share it.
    static let minimumTasks = 2

    /// Tiles of an (OH, OW, F) output. `direct`: a 1x1 stride-1 convolution (no im2col rows, whose
    /// band should stay in cache, so only it gets `minimumPixels`); `splitFilters` false keeps one
    /// block (grouped convolutions).
    init(outputRows oh: Int, columns ow: Int, filters f: Int, direct: Bool, splitFilters: Bool = true) {
        let pixels = max(direct ? Self.minimumPixels : 1, Self.targetOutputs / max(1, f))
        let rows = min(oh, max(1, (pixels + ow - 1) / ow))
        let equal = (oh + (oh + rows - 1) / rows - 1) / ((oh + rows - 1) / rows)  // equal bands
        let bands = (oh + equal - 1) / equal
        self.rowsPerBand = equal
        self.bands = bands
        var blocks = 1
        if splitFilters, bands < Self.minimumTasks, f >= 128 {
            blocks = min((Self.minimumTasks + bands - 1) / bands, f / 64)
        }
        let perBlock = ((f + blocks - 1) / blocks + 15) / 16 * 16
        self.filtersPerBlock = min(f, perBlock)
        self.blocks = (f + filtersPerBlock - 1) / filtersPerBlock
    }

    var tasks: Int { bands * blocks }

    /// Task t's output rows and filters.
    func tile(_ t: Int, outputRows oh: Int, filters f: Int) -> (rows: Range<Int>, filters: Range<Int>) {
        let (b, j) = (t / blocks, t % blocks)
        return (b * rowsPerBand..<min(oh, (b + 1) * rowsPerBand), j * filtersPerBlock..<min(f, (j + 1) * filtersPerBlock))
    }
}
