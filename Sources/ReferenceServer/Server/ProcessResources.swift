import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's own descriptors and memory, read from `/proc/self` and `getrlimit` (Linux).
enum ProcessResources {
    /// Descriptors open now (entries of `/proc/self/fd`, less the one reading it).
    static func openDescriptorCount() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        // Only the name's first byte is read, in place. Copying the entry (`entry.pointee`) would read
        // `MemoryLayout<dirent>.size` (280) bytes, but glibc packs entries by their real length
        // (`d_reclen`, 24 bytes for a name like "1358"): the last entry of its buffer can end less than
        // 280 bytes before the buffer does. With about 1,360 descriptors open that copy ran off the end
        // of a mapping and crashed a test process (SIGSEGV in memcpy, CI of 703c06a).
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(directory) {
            let first = UnsafeRawPointer(entry).load(fromByteOffset: nameOffset, as: UInt8.self)
            if first != UInt8(ascii: ".") { count += 1 }
        }
        return max(0, count - 1)
    }

    /// The soft RLIMIT_NOFILE.
    static func descriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        return limit.rlim_cur > rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    /// Resident set size in bytes (`/proc/self/statm`, second field, in pages).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
