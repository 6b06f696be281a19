/// Compact JSON writer (RFC 8259): no whitespace, members in their stored order.
///
/// Strings escape `"` and `\`, use the short escapes `\b \f \n \r \t`, `\u00XX` for the other
/// control characters, and write everything else (non-ASCII included) as raw UTF-8 (RFC 8259 §7).
/// Numbers: integral values with |x| < 2^53 are written as integers (`42`, and `-0` as `0`); others
/// use Swift's shortest round-trip form (`1.5`, `1e+300`). NaN and ±infinity have no JSON form and
/// are written as `null`, as JavaScript's `JSON.stringify` does.
public enum JSONSerializer {
    /// The compact text of a value.
    public static func serialize(_ value: JSONValue) -> String {
        var buffer = [UInt8]()
        buffer.reserveCapacity(64)
        append(value, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends the compact UTF-8 text of a value.
    public static func append(_ value: JSONValue, to buffer: inout [UInt8]) {
        switch value {
        case .null:
            appendASCII("null", to: &buffer)
        case .bool(let flag):
            appendASCII(flag ? "true" : "false", to: &buffer)
        case .number(let number):
            appendNumber(number, to: &buffer)
        case .string(let text):
            appendString(text, to: &buffer)
        case .array(let elements):
            buffer.append(0x5B)
            for (position, element) in elements.enumerated() {
                if position > 0 { buffer.append(0x2C) }
                append(element, to: &buffer)
            }
            buffer.append(0x5D)
        case .object(let members):
            buffer.append(0x7B)
            for (position, member) in members.enumerated() {
                if position > 0 { buffer.append(0x2C) }
                appendString(member.key, to: &buffer)
                buffer.append(0x3A)
                append(member.value, to: &buffer)
            }
            buffer.append(0x7D)
        }
    }

    /// Appends a string as a quoted, escaped JSON string (RFC 8259 §7), without building a `JSONValue`.
    public static func appendString(_ text: String, to buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendString(utf8: $0, to: &buffer) }
    }

    /// Appends a number as JSON (RFC 8259 §6); NaN and infinities become `null`.
    public static func appendNumber(_ number: Double, to buffer: inout [UInt8]) {
        guard number.isFinite else {
            appendASCII("null", to: &buffer)
            return
        }
        // Checked without libm (this module links none): the magnitude test makes `Int64(_:)` safe.
        if abs(number) < 9_007_199_254_740_992, Double(Int64(number)) == number {
            appendInteger(Int64(number), to: &buffer)
        } else {
            buffer.append(contentsOf: number.description.utf8)
        }
    }

    /// Appends a decimal integer.
    public static func appendInteger(_ value: Int64, to buffer: inout [UInt8]) {
        // Small-string optimisation: an Int64's digits fit inline, so this does not allocate.
        buffer.append(contentsOf: String(value).utf8)
    }

    static func appendString(utf8 bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        buffer.append(0x22)
        var runStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C {
                index += 1
                continue
            }
            if runStart < index { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            buffer.append(0x5C)
            switch byte {
            case 0x22: buffer.append(0x22)
            case 0x5C: buffer.append(0x5C)
            case 0x08: buffer.append(0x62)
            case 0x0C: buffer.append(0x66)
            case 0x0A: buffer.append(0x6E)
            case 0x0D: buffer.append(0x72)
            case 0x09: buffer.append(0x74)
            default:
                let low = byte & 0x0F
                buffer.append(0x75)  // u00XX
                buffer.append(0x30)
                buffer.append(0x30)
                buffer.append(0x30 + (byte >> 4))
                buffer.append(low < 10 ? 0x30 + low : 0x61 + low - 10)
            }
            index += 1
            runStart = index
        }
        if runStart < bytes.count { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
        buffer.append(0x22)
    }

    @inline(__always)
    static func appendASCII(_ text: StaticString, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
