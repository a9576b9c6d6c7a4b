import COpenBLAS

// The only file that calls OpenBLAS. CBLAS functions return nothing; their contracts
// (dimensions, leading dimensions) are checked here before each call.

enum BLAS {
    /// OpenBLAS's own threads spin while idle and slow everything else; the engine runs them
    /// single-threaded (results are then also independent of the machine's core count).
    static let singleThreaded: Void = { openblas_set_num_threads(1) }()

    /// C[M x N] = A[M x K] * B[K x N] + beta * C, all row-major and dense (calls `cblas_sgemm`).
    static func gemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, beta: Float = 0
    ) {
        precondition(m > 0 && n > 0 && k > 0, "gemm dimensions must be positive")
        precondition(m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max), "gemm too large for blasint")
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(m), blasint(n), blasint(k),
                    1, a, blasint(k), b, blasint(n), beta, c, blasint(n))
    }

    /// C[M x N] = A[M x K] * B^T + beta * C, where B is stored row-major as [N x K] (calls
    /// `cblas_sgemm` with CblasTrans on B). The backward pass of a 1x1 convolution: B is the Keras
    /// kernel [Cin x Cout] read as [N = Cin x K = Cout].
    static func gemmTransposedB(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, beta: Float = 0
    ) {
        precondition(m > 0 && n > 0 && k > 0, "gemm dimensions must be positive")
        precondition(m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max), "gemm too large for blasint")
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(m), blasint(n), blasint(k),
                    1, a, blasint(k), b, blasint(k), beta, c, blasint(n))
    }

    /// y[K] = B[K x N] * x[N] + beta * y, B row-major (calls `cblas_sgemv` without transposing).
    /// The backward pass of a dense layer: B is the Keras kernel [K x N].
    static func gemvColumn(
        n: Int, k: Int, b: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, beta: Float
    ) {
        precondition(n > 0 && k > 0, "gemv dimensions must be positive")
        precondition(n <= Int(Int32.max) && k <= Int(Int32.max), "gemv too large for blasint")
        _ = singleThreaded
        cblas_sgemv(CblasRowMajor, CblasNoTrans, blasint(k), blasint(n), 1, b, blasint(n), x, 1, beta, y, 1)
    }

    /// y[N] = x[K] * B[K x N] + beta * y, B row-major (calls `cblas_sgemv` on B transposed).
    static func gemvRowVector(
        n: Int, k: Int, x: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, beta: Float
    ) {
        precondition(n > 0 && k > 0, "gemv dimensions must be positive")
        _ = singleThreaded
        cblas_sgemv(CblasRowMajor, CblasTrans, blasint(k), blasint(n), 1, b, blasint(n), x, 1, beta, y, 1)
    }
}
