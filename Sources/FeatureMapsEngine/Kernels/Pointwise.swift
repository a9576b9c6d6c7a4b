// Pointwise (1x1) convolution and the 3x3 stride-2 stem, both as GEMMs split into tasks.

/// How one GEMM of M x N outputs (reduction length K) is split into tasks: equal blocks of rows
/// (a multiple of 16, about 64 K outputs each, so a block stays in cache for its epilogue), and,
/// when that leaves one block, two blocks of columns (so two threads share the 7x7 layers). The
/// split depends only on the shape, never on the thread count, so every output is computed by the
/// same call whatever the number of threads. K is never split.
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

    var count: Int { rowTasks * colTasks }

    /// Rows and columns of task `t`.
    func block(_ t: Int) -> (rows: Range<Int>, cols: Range<Int>) {
        let r = t / colTasks, c = t % colTasks
        return (r * rowsPerTask..<min(m, (r + 1) * rowsPerTask), c * colsPerTask..<min(n, (c + 1) * colsPerTask))
    }
}

extension Kernels {
    /// Keras `Conv2D(kernel_size=1, use_bias=False)` on NHWC as one row-major GEMM, C = A * B with
    /// A = input [M = H*W, K = Cin], B = the Keras kernel [1, 1, Cin, Cout] read as [K, N = Cout],
    /// then `epilogue` on each task's block of C (BatchNorm, residual, ReLU6; `residual` laid out as C).
    static func pointwise(
        _ pool: ThreadPool, a: UnsafePointer<Float>, m: Int, k: Int, b: UnsafePointer<Float>, n: Int,
        c: UnsafeMutablePointer<Float>, epilogue: Epilogue
    ) {
        let tasks = GEMMTasks(m: m, n: n)
        let small = prefersSmallGEMM(k: k, n: n)
        pool.parallelFor(tasks.count) { t in
            let (rows, cols) = tasks.block(t)
            if small {
                smallGEMM(a: a, k: k, b: b, n: n, c: c, rows: rows, cols: cols, epilogue: epilogue)
                return
            }
            let out = c + rows.lowerBound * n + cols.lowerBound
            BLAS.gemm(m: rows.count, n: cols.count, k: k, a: a + rows.lowerBound * k, lda: k,
                      b: b + cols.lowerBound, ldb: n, c: out, ldc: n)
            var e = epilogue
            e.residual = epilogue.residual.map { $0 + rows.lowerBound * n + cols.lowerBound }
            e.apply(out, rows: rows.count, cols: cols.count, ld: n, channel0: cols.lowerBound)
        }
    }

    /// Conv1's im2col: input HxWxCin -> rows [OH*OW, 9*Cin] for a 3x3 stride-2 convolution with
    /// TensorFlow's 'same' padding (`MobileNetV2Architecture.stride2Padding`); column (ky*3 + kx)*Cin + ci
    /// matches the row order of the Keras kernel [3, 3, Cin, Cout]. Taps outside the input are 0.
    static func stemColumns(
        _ pool: ThreadPool, input: UnsafePointer<Float>, h: Int, w: Int, cin: Int, columns: UnsafeMutablePointer<Float>
    ) {
        let oh = MobileNetV2Architecture.halved(h), ow = MobileNetV2Architecture.halved(w)
        let top = MobileNetV2Architecture.stride2Padding(h).before
        let left = MobileNetV2Architecture.stride2Padding(w).before
        let kcols = 9 * cin
        let rowsPerTask = max(1, 4096 / ow)
        pool.parallelFor((oh + rowsPerTask - 1) / rowsPerTask) { t in
            for oy in (t * rowsPerTask)..<min(oh, (t + 1) * rowsPerTask) {
                for ox in 0..<ow {
                    let row = columns + (oy * ow + ox) * kcols
                    for ky in 0..<3 {
                        let iy = oy * 2 + ky - top
                        for kx in 0..<3 {
                            let ix = ox * 2 + kx - left
                            let d = row + (ky * 3 + kx) * cin
                            if iy < 0 || iy >= h || ix < 0 || ix >= w {
                                d.update(repeating: 0, count: cin)
                            } else {
                                d.update(from: input + (iy * w + ix) * cin, count: cin)
                            }
                        }
                    }
                }
            }
        }
    }
}
