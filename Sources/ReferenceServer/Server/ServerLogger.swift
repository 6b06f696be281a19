#if canImport(Glibc)
import Glibc
#endif

/// One-line log records to stderr, filtered by the configured `LogLevel`.
///
/// Each record is written with a single `write(2)`, so lines from different threads do not interleave.
public struct ServerLogger: Sendable {
    /// The most verbose level written.
    public let level: LogLevel

    public init(level: LogLevel) {
        self.level = level
    }

    /// Whether records of `level` are written.
    public func isEnabled(_ level: LogLevel) -> Bool { level <= self.level }

    /// Writes `reference-server <level>: <message>` when `level` is enabled.
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard isEnabled(level) else { return }
        var line = "reference-server \(level.name): \(message())\n"
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
