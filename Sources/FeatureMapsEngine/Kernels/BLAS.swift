import COpenBLAS
import Foundation

// The only file that calls OpenBLAS. CBLAS functions return nothing; their contracts
// (dimensions, leading dimensions) are checked here before each call, with checks that stay in
// -Ounchecked builds.

/// OpenBLAS's threads, a setting of the whole process: the engine never changes it by itself.
///
/// OpenBLAS starts its worker threads (one per core) when it loads and splits each large enough
/// call between them. The engine runs its own thread pool, so in a program that only runs the
/// engine those workers add nothing: each idle one polls with `sched_yield` for about 0.1 s before
/// it sleeps, a core taken from a short command (measured: up to 12 % of a 40-image `classify`),
/// and while the engine's threads call OpenBLAS its workers compete with them for the same cores.
///
/// The engine's results depend on this setting in their last bits: OpenBLAS 0.3.21 rounds some
/// products differently when it splits them between threads (measured: sgemm with its Haswell
/// kernels, not with its Cooperlake ones; sgemv with both), so a forward pass at one OpenBLAS
/// thread and at several differ by up to ~1e-5 of a layer's
/// largest value (OpenBLASThreadsTests). For a given OpenBLAS thread count they are the same
/// bits whatever the engine's own thread count. `useOne()` therefore also makes a program's
/// results those of the `featuremaps` command, and independent of the machine's core count
/// (OpenBLAS's default thread count).
public enum OpenBLASThreads {
    /// Makes every OpenBLAS call in this process run on its calling thread
    /// (`openblas_set_num_threads(1)`) and, with `stoppingIdleWorkers`, stops the worker threads
    /// OpenBLAS started when it loaded (`blas_thread_shutdown_`: OpenBLAS exports it for its own
    /// fork handler but does not declare it, so it is looked up at run time; an OpenBLAS without it
    /// runs as before; a later call that asks for more threads starts them again).
    ///
    /// Process-wide: it changes OpenBLAS for every caller in the process, not only the engine.
    /// Call it once, at the start of `main`, before any thread calls BLAS (OpenBLAS's setter is not
    /// safe during another thread's BLAS call). The `featuremaps` command does this first thing: it
    /// is a short process that uses OpenBLAS only through the engine. A program that uses OpenBLAS
    /// for its own work may leave it alone; the engine then runs as before, with OpenBLAS's threads.
    public static func useOne(stoppingIdleWorkers: Bool = true) {
        use(1)
        guard stoppingIdleWorkers, let shutdown = dlsym(nil, "blas_thread_shutdown_") else { return }
        _ = unsafeBitCast(shutdown, to: (@convention(c) () -> Int32).self)()  // its status carries nothing to act on
    }

    /// The number of threads OpenBLAS splits a call between (`openblas_get_num_threads`).
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Sets that number (`openblas_set_num_threads`); more than it runs now starts workers.
    static func use(_ threads: Int) { openblas_set_num_threads(Int32(threads)) }
}

enum BLAS {
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
            m <= Int(Int32.max), lda <= Int(Int32.max), ldb <= Int(Int32.max), ldc <= Int(Int32.max)
        else {
            fatalError("gemm: bad dimensions m \(m) n \(n) k \(k) lda \(lda) ldb \(ldb) ldc \(ldc)")
        }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(m), blasint(n), blasint(k),
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
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, blasint(m), blasint(n), blasint(k),
            1, a, blasint(k), b, blasint(k), beta, c, blasint(n))
    }

    /// y[K] = B[K x N] * x[N] + beta * y, B row-major (calls `cblas_sgemv` without transposing).
    /// The backward pass of a dense layer: B is the Keras kernel [K x N].
    static func gemvColumn(
        n: Int, k: Int, b: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, beta: Float
    ) {
        require(n > 0 && k > 0, "gemv dimensions must be positive")
        require(n <= Int(Int32.max) && k <= Int(Int32.max), "gemv too large for blasint")
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
        cblas_sgemv(CblasRowMajor, CblasTrans, blasint(k), blasint(n), 1, b, blasint(ld), x, 1, beta, y, 1)
    }
}

extension OpenBLASThreads {
    /// The kernel family OpenBLAS runs for the engine's GEMMs ("Haswell", "SkylakeX", ...).
    public static var kernelFamily: String { BLAS.coreName }
}
