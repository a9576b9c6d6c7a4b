import FeatureMapsKernelTypes

// Pointwise (1x1) convolution and the 3x3 stride-2 stem, both as GEMMs split into tasks, each task
// computed by OpenBLAS or by the engine's register GEMM (FeatureMapsKernels/RegisterGEMM.swift),
// chosen per layer shape (`gemmChoice`).

/// How one GEMM of M x N outputs (reduction length K) is split into tasks. For OpenBLAS (`init(m:n:)`):
/// equal blocks of rows (a multiple of 16, about 64 K outputs each, so a block stays in cache for its
/// epilogue), and, when that leaves one block, two blocks of columns (so two threads share the 7x7
/// layers). The split depends only on the shape, never on the thread count, so every output is
/// computed by the same call whatever the number of threads. K is never split.
struct GEMMTasks: Equatable {
    let m: Int, n: Int
    let rowsPerTask: Int, colsPerTask: Int
    let rowTasks: Int, colTasks: Int

    init(m: Int, n: Int) {
        self.m = m
        self.n = n
        let target = max(16, 65_536 / n)
        let wanted = max(1, (m + target / 2) / target)
        rowsPerTask = min(m, ((m + wanted - 1) / wanted + 15) / 16 * 16)
        rowTasks = (m + rowsPerTask - 1) / rowsPerTask
        colsPerTask = rowTasks == 1 && n >= 64 ? max(32, ((n + 1) / 2 + 15) / 16 * 16) : n
        colTasks = (n + colsPerTask - 1) / colsPerTask
    }

    /// The register GEMM's split (its results do not depend on the split, so it is free to balance
    /// two cores): blocks of whole tiles (`tileRows` rows) and panels (`panel` columns). Maps of 16
    /// tiles or more: at least 16 row blocks (about 16 K outputs each beyond that), whole rows of
    /// columns. Smaller maps (the 7x7 layers): two row blocks times up to eight column blocks, so that
    /// two threads get equal shares of layers with 3 or 5 panels. Depends only on the shape.
    init(registerM m: Int, n: Int, tileRows: Int, panel: Int) {
        self.m = m
        self.n = n
        let tiles = (m + tileRows - 1) / tileRows, panels = (n + panel - 1) / panel
        let rowBlocks = tiles >= 16 ? min(tiles, max(16, m * n / 16_384)) : min(tiles, 2)
        let colBlocks = tiles >= 16 ? 1 : min(panels, 8)
        rowsPerTask = min(m, (tiles + rowBlocks - 1) / rowBlocks * tileRows)
        rowTasks = (m + rowsPerTask - 1) / rowsPerTask
        colsPerTask = min(n, (panels + colBlocks - 1) / colBlocks * panel)
        colTasks = (n + colsPerTask - 1) / colsPerTask
    }

    var count: Int { rowTasks * colTasks }

    /// Rows and columns of task `t`.
    func block(_ t: Int) -> (rows: Range<Int>, cols: Range<Int>) {
        let r = t / colTasks, c = t % colTasks
        return (r * rowsPerTask..<min(m, (r + 1) * rowsPerTask), c * colsPerTask..<min(n, (c + 1) * colsPerTask))
    }
}

/// Which GEMM computes a layer.
enum GEMMKernel: Equatable { case blas, register }

extension Kernels {
    /// The GEMM for a layer of M x N outputs with reduction length K at vector width `simd`, chosen by
    /// measurement (BENCHMARKS.md, sums of per-stage minimums, alternating runs, real model):
    /// - 8 lanes (AVX2): the register GEMM for K <= 32 (Conv1 and the first expansions, where
    ///   OpenBLAS spends more time packing than multiplying: 15-20 % faster), OpenBLAS for the rest
    ///   (the register GEMM at 8 lanes was even with OpenBLAS's Haswell kernels there, and 20 % slower
    ///   in the head).
    /// - 16 lanes (AVX-512): the register GEMM for every layer. It was faster than OpenBLAS in every
    ///   stage both with the Haswell kernels these machines' environment selects (OPENBLAS_CORETYPE;
    ///   blocks 7-16 and the head 30-45 % faster) and with OpenBLAS's own AVX-512 (Cooperlake) kernels
    ///   (0-10 % faster, blocks 14-16 even).
    static func gemmChoice(m: Int, k: Int, n: Int, simd: SIMDWidth) -> GEMMKernel {
        switch simd {
        case .lanes16: return .register
        case .lanes8: return k <= 32 && n >= 8 ? .register : .blas
        }
    }

    /// Keras `Conv2D(kernel_size=1, use_bias=False)` on NHWC as one row-major GEMM, C = A * B with
    /// A = input [M = H*W, K = Cin], B = the Keras kernel [1, 1, Cin, Cout] read as [K, N = Cout],
    /// then `epilogue` on each task's block of C (BatchNorm, residual, ReLU6; `residual` laid out as C).
    static func pointwise(
        _ pool: ThreadPool, a: UnsafePointer<Float>, m: Int, k: Int, b: UnsafePointer<Float>, n: Int,
        c: UnsafeMutablePointer<Float>, epilogue: Epilogue, simd: SIMDWidth
    ) {
        let choice = gemmChoice(m: m, k: k, n: n, simd: simd)
        let kernels = simd.kernels
        // The register GEMM gives the same bits for any split: its tasks follow its tiles (7 or 4
        // rows, 2 vectors) and always use both cores when they can.
        let tasks =
            choice == .register
            ? GEMMTasks(registerM: m, n: n, tileRows: kernels.gemmTileRows, panel: 2 * kernels.lanes)
            : GEMMTasks(m: m, n: n)
        pool.parallelFor(tasks.count) { t in
            let (rows, cols) = tasks.block(t)
            if choice == .register {
                kernels.gemm(a, k, b, n, c, rows, cols, epilogue)
                return
            }
            let out = c + rows.lowerBound * n + cols.lowerBound
            BLAS.gemm(
                m: rows.count, n: cols.count, k: k, a: a + rows.lowerBound * k, lda: k,
                b: b + cols.lowerBound, ldb: n, c: out, ldc: n)
            var e = epilogue
            e.residual = epilogue.residual.map { $0 + rows.lowerBound * n + cols.lowerBound }
            e.apply(out, rows: rows.count, cols: cols.count, ld: n, channel0: cols.lowerBound)
        }
    }

    /// Conv1's im2col: input HxWxCin -> rows [OH*OW, 9*Cin] for a 3x3 stride-2 convolution with
    /// TensorFlow's 'same' padding (`MobileNetV2Architecture.stride2Padding`); column (ky*3 + kx)*Cin + ci
    /// matches the row order of the Keras kernel [3, 3, Cin, Cout]. Taps outside the input are 0.
    /// `outputRows` (default all OH): only those output rows, written from `columns` on (row
    /// (oy - outputRows.lowerBound) * OW + ox).
    static func stemColumns(
        _ pool: ThreadPool, input: UnsafePointer<Float>, h: Int, w: Int, cin: Int, outputRows: Range<Int>? = nil,
        columns: UnsafeMutablePointer<Float>
    ) {
        let oh = MobileNetV2Architecture.halved(h), ow = MobileNetV2Architecture.halved(w)
        let top = MobileNetV2Architecture.stride2Padding(h).before
        let left = MobileNetV2Architecture.stride2Padding(w).before
        let kcols = 9 * cin
        let rows = outputRows ?? 0..<oh, count = rows.count
        // An even number of tasks (4 at 224 x 224) with rows shared evenly: two threads get equal halves.
        let tasks = max(1, min(count, 2 * max(1, (count * ow + 4096) / 8192))), rowsPerTask = (count + tasks - 1) / tasks
        pool.parallelFor((count + rowsPerTask - 1) / rowsPerTask) { t in
            for oy in (rows.lowerBound + t * rowsPerTask)..<min(rows.upperBound, rows.lowerBound + (t + 1) * rowsPerTask) {
                let iy0 = oy * 2 - top
                let rowInside = iy0 >= 0 && iy0 + 2 < h
                for ox in 0..<ow {
                    let row = columns + ((oy - rows.lowerBound) * ow + ox) * kcols
                    let ix0 = ox * 2 - left
                    if rowInside && ix0 >= 0 && ix0 + 2 < w {
                        // All 9 taps inside: each kernel row's 3 taps are 3*Cin contiguous inputs.
                        for ky in 0..<3 {
                            let src = input + ((iy0 &+ ky) &* w &+ ix0) &* cin, d = row + ky &* 3 &* cin
                            if cin == 3 {  // RGB: 9 floats, one 8-float move and one more
                                UnsafeMutableRawPointer(d).storeBytes(
                                    of: UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                                d[8] = src[8]
                            } else {
                                for q in 0..<(3 &* cin) { d[q] = src[q] }
                            }
                        }
                        continue
                    }
                    for ky in 0..<3 {
                        let iy = iy0 + ky
                        for kx in 0..<3 {
                            let ix = ix0 + kx
                            let d = row + (ky * 3 + kx) * cin
                            if iy < 0 || iy >= h || ix < 0 || ix >= w {
                                for q in 0..<cin { d[q] = 0 }
                            } else {
                                let src = input + (iy &* w &+ ix) &* cin
                                for q in 0..<cin { d[q] = src[q] }
                            }
                        }
                    }
                }
            }
        }
    }
}
