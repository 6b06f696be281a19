/// Text helpers for traces and failure messages.
package enum KitFormat {
    /// Longest text a wire trace entry keeps.
    static let traceLimit = 300

    /// `text`, cut to `limit` characters with `…(N bytes)` when longer.
    static func truncated(_ text: String, limit: Int = traceLimit) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "…(\(text.utf8.count) bytes)"
    }

    /// Bytes as text: UTF-8 shown as is (control characters escaped), other bytes as `\xNN`.
    static func bytes(_ bytes: some Collection<UInt8>, limit: Int = traceLimit) -> String {
        var text = ""
        var count = 0
        var iterator = bytes.makeIterator()
        let total = bytes.count
        while let byte = iterator.next(), count < limit {
            switch byte {
            case 0x0D: text += "\\r"
            case 0x0A: text += "\\n"
            case 0x1E: text += "\\x1e"
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
            count += 1
        }
        if total > count { text += "…(\(total) bytes)" }
        return text
    }

    /// `250 ms`, `5 s`, `1.5 s`.
    package static func duration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(Double(milliseconds) / 1000) s"
    }
}
