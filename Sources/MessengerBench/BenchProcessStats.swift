import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time and memory of processes, from `getrusage` and `/proc` (Linux `proc(5)`).
public enum BenchProcessStats {
    /// User + system CPU seconds of this process so far.
    public static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// User + system CPU seconds of process `pid` (fields 14 and 15 of `/proc/<pid>/stat`), nil if unreadable.
    public static func cpuSeconds(processID: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(processID)/stat", encoding: .utf8) else { return nil }
        return cpuSeconds(statLine: text)
    }

    /// Parses a `/proc/<pid>/stat` line (the command name may hold spaces and parentheses).
    public static func cpuSeconds(statLine: String) -> Double? {
        guard let closing = statLine.lastIndex(of: ")") else { return nil }
        let fields = statLine[statLine.index(after: closing)...].split(separator: " ")
        // After ")": field 3 (state) is fields[0]; utime is field 14, stime field 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) / (ticks > 0 ? ticks : 100)
    }

    /// Resident set size of process `pid` in bytes (`VmRSS` of `/proc/<pid>/status`), nil if unreadable.
    public static func residentBytes(processID: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(processID)/status", encoding: .utf8) else { return nil }
        return residentBytes(statusText: text)
    }

    /// Parses the `VmRSS:   1234 kB` line of a `/proc/<pid>/status` text.
    public static func residentBytes(statusText: String) -> Int? {
        for line in statusText.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kilobytes = Int(parts[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    /// Descriptors open in process `pid` (entries of `/proc/<pid>/fd`), nil if unreadable.
    public static func openDescriptors(processID: Int32) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(processID)/fd")).map(\.count)
    }

    /// Raises the soft limit of open files to the hard limit (thousands of sessions need it).
    @discardableResult
    public static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(clamping: limit.rlim_cur)
    }
}
