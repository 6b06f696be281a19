/// Reads the commonest JSON document, an object whose members are all strings without escapes,
/// without building a `JSONValue` tree. RFC 8259 §2 (whitespace), §4 (objects), §7 (strings).
///
/// It answers only what it is sure of: for such a document it returns the members in order,
/// duplicates kept, exactly as `JSONParser.parse` would give them (same whitespace, same UTF-8
/// validation); for anything else (another value, a member that is not a plain string, an escape,
/// malformed input) it returns nil and the caller falls back to `JSONParser`, which also reports
/// the precise error. The object counts one level of nesting: callers with a `maxDepth` below 1
/// must not use it.
public enum JSONFlatObjectScanner {
    /// The members of `bytes` when it is a flat object of plain strings, else nil.
    public static func members(_ bytes: [UInt8]) -> [(key: String, value: String)]? {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(bytes: buffer)
            return scanner.scanDocument()
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        mutating func scanDocument() -> [(key: String, value: String)]? {
            skipWhitespace()
            guard take(0x7B) else { return nil }  // {
            var members: [(key: String, value: String)] = []
            skipWhitespace()
            if take(0x7D) { return isAtEndAfterWhitespace() ? members : nil }  // }
            members.reserveCapacity(4)  // a message body has three members: one allocation, not three
            while true {
                guard take(0x22), let key = plainString() else { return nil }
                skipWhitespace()
                guard take(0x3A) else { return nil }  // :
                skipWhitespace()
                guard take(0x22), let value = plainString() else { return nil }
                members.append((key: key, value: value))
                skipWhitespace()
                if take(0x2C) {  // ,
                    skipWhitespace()
                    continue
                }
                guard take(0x7D) else { return nil }
                return isAtEndAfterWhitespace() ? members : nil
            }
        }

        /// ws = *( %x20 / %x09 / %x0A / %x0D )
        private mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private mutating func isAtEndAfterWhitespace() -> Bool {
            skipWhitespace()
            return index == bytes.count
        }

        /// The string after an opening quote, up to its closing quote; nil on an escape, a control
        /// character, invalid UTF-8 or the end of input.
        private mutating func plainString() -> String? {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x22 {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return text
                } else if byte == 0x5C || byte < 0x20 {
                    return nil
                } else if byte < 0x80 {
                    index += 1
                } else {
                    guard let length = UTF8Validator.sequenceLength(in: bytes, at: index) else { return nil }
                    index += length
                }
            }
            return nil
        }
    }
}
