#if canImport(Glibc)
import Glibc
#endif

/// The bench's monotonic clock in nanoseconds (`CLOCK_MONOTONIC`, one `clock_gettime` through the vDSO).
enum BenchClock {
    static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}
