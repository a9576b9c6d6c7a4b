#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Time that only moves forward (`clock_gettime(CLOCK_MONOTONIC)`): for durations and deadlines,
/// never for dates. One definition for the engine's thread pool, the benchmarks, the weights
/// reader's deadline and the download's progress.
public enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point (the boot, on Linux).
    @inline(__always)
    public static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    /// The same in seconds.
    public static func seconds() -> Double { Double(nanoseconds()) / 1e9 }
}
