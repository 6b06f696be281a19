#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to file descriptor 2, without Foundation.
enum StandardError {
    /// Writes `text` to stderr, retrying on EINTR and short writes; other failures are dropped.
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
