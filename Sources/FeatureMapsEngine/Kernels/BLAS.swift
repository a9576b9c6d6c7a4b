import COpenBLAS
import Foundation

// The only file that calls OpenBLAS. CBLAS functions return nothing; their contracts
// (dimensions, leading dimensions) are checked here before each call, with checks that stay in
// -Ounchecked builds.

enum BLAS {
    /// Called once, before the engine's first BLAS call (see `configure`).
    static let configured: Void = configure()

    /// Prepares OpenBLAS for the engine:
    /// - One OpenBLAS thread: its own threads spin while idle and slow everything else; the engine
    ///   parallelises with its own pool (results are then also independent of the core count).
    /// - Its idle worker threads stopped: OpenBLAS starts them when it loads and each polls with
    ///   `sched_yield` for about 0.1 s before it sleeps, a core taken from a short command (measured:
    ///   up to 12 % of a 40-image `classify`). `blas_thread_shutdown_` stops them; OpenBLAS exports it
    ///   (its fork handler uses it) but does not declare it, so it is looked up at run time and an
    ///   OpenBLAS without it links and runs as before. Its return value carries nothing to act on.
    /// The kernel family is OpenBLAS's choice (or the user's OPENBLAS_CORETYPE), see `coreName`.
    private static func configure() {
        openblas_set_num_threads(1)
        if let shutdown = dlsym(nil, "blas_thread_shutdown_") {
            _ = unsafeBitCast(shutdown, to: (@convention(c) () -> Int32).self)()
        }
    }

    /// The kernel family OpenBLAS runs, as it names it ("Haswell", "SkylakeX", ...).
    static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// C[M x N] = A[M x K] * B[K x N] + beta * C, row-major with leading dimensions lda, ldb, ldc
    /// (calls `cblas_sgemm`).
    static func gemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0
    ) {
        guard m > 0, n > 0, k > 0, lda >= k, ldb >= n, ldc >= n,
              m <= Int(Int32.max), lda <= Int(Int32.max), ldb <= Int(Int32.max), ldc <= Int(Int32.max) else {
            fatalError("gemm: bad dimensions m \(m) n \(n) k \(k) lda \(lda) ldb \(ldb) ldc \(ldc)")
        }
        _ = configured
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(m), blasint(n), blasint(k),
                    1, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// C[M x N] = A[M x K] * B^T + beta * C, where B is stored row-major as [N x K] (calls
    /// `cblas_sgemm` with CblasTrans on B). The backward pass of a 1x1 convolution: B is the Keras
    /// kernel [Cin x Cout] read as [N = Cin x K = Cout].
    static func gemmTransposedB(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, beta: Float = 0
    ) {
        require(m > 0 && n > 0 && k > 0, "gemm dimensions must be positive")
        require(m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max), "gemm too large for blasint")
        _ = configured
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(m), blasint(n), blasint(k),
                    1, a, blasint(k), b, blasint(k), beta, c, blasint(n))
    }

    /// y[K] = B[K x N] * x[N] + beta * y, B row-major (calls `cblas_sgemv` without transposing).
    /// The backward pass of a dense layer: B is the Keras kernel [K x N].
    static func gemvColumn(
        n: Int, k: Int, b: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, beta: Float
    ) {
        require(n > 0 && k > 0, "gemv dimensions must be positive")
        require(n <= Int(Int32.max) && k <= Int(Int32.max), "gemv too large for blasint")
        _ = configured
        cblas_sgemv(CblasRowMajor, CblasNoTrans, blasint(k), blasint(n), 1, b, blasint(n), x, 1, beta, y, 1)
    }

    /// y[N] = x[K] * B[K x N] + beta * y, B row-major with row stride `ldb` (default N; a larger one
    /// reads a block of columns of a wider matrix); calls `cblas_sgemv` on B transposed.
    static func gemvRowVector(
        n: Int, k: Int, x: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int? = nil, y: UnsafeMutablePointer<Float>,
        beta: Float
    ) {
        let ld = ldb ?? n
        guard n > 0, k > 0, ld >= n, ld <= Int(Int32.max), k <= Int(Int32.max) else {
            fatalError("gemv: bad dimensions n \(n) k \(k) ldb \(ld)")
        }
        _ = configured
        cblas_sgemv(CblasRowMajor, CblasTrans, blasint(k), blasint(n), 1, b, blasint(ld), x, 1, beta, y, 1)
    }
}
