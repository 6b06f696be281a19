import CLinux

/// Gives the heap's free memory back to the kernel (glibc `malloc_trim(0)`): after a wave of closed
/// connections, their freed buffers otherwise stay in the process's resident set.
public enum MemoryTrim {
    /// Returns free heap memory to the kernel; true when some was released. Takes milliseconds on a
    /// large heap: call it after a wave, not per connection.
    @discardableResult
    public static func releaseFreeMemory() -> Bool { clinux_malloc_trim() == 1 }
}
