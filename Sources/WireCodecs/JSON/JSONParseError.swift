/// Why a JSON text was refused, and the byte offset where the parser noticed (RFC 8259).
public struct JSONParseError: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The rule the input broke.
    public enum Reason: Sendable, Equatable, Hashable {
        /// The input holds no value at all (empty, or whitespace only). RFC 8259 §2.
        case emptyInput
        /// The input ended inside a value (an unterminated string, array, object or literal).
        case unexpectedEndOfInput
        /// A byte that cannot start or continue the expected construct.
        case unexpectedByte(UInt8, expected: String)
        /// A `,` directly before `]` or `}`. RFC 8259 §4, §5.
        case trailingComma
        /// An integer part with a leading zero, such as `01`. RFC 8259 §6.
        case leadingZero
        /// A number that breaks the grammar of RFC 8259 §6 (detail says how).
        case invalidNumber(String)
        /// A number whose magnitude does not fit a finite IEEE 754 double.
        case numberOutOfRange
        /// An unescaped control character (below U+0020) inside a string. RFC 8259 §7.
        case controlCharacterInString(UInt8)
        /// A backslash followed by a character that is not a JSON escape. RFC 8259 §7.
        case invalidEscape(UInt8)
        /// `\u` not followed by four hexadecimal digits. RFC 8259 §7.
        case invalidUnicodeEscape
        /// A `\u` escape of a UTF-16 surrogate that is not part of a valid pair. RFC 8259 §8.2.
        case loneSurrogate(UInt16)
        /// Bytes that are not well-formed UTF-8. RFC 8259 §8.1.
        case invalidUTF8
        /// Arrays and objects nested deeper than the limit (`WireLimits.jsonMaxDepth`).
        case depthLimitExceeded(limit: Int)
        /// Non-whitespace bytes after the single top-level value. RFC 8259 §2.
        case trailingContent
        /// A literal that starts like `true`, `false` or `null` but is not one. RFC 8259 §3.
        case invalidLiteral
    }

    public var reason: Reason
    /// Byte offset in the input where the problem was found.
    public var offset: Int

    public init(_ reason: Reason, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// A stable, language-neutral name of the reason (the case name), used by `Spec/vectors/json.json`.
    public var code: String {
        switch reason {
        case .emptyInput: "emptyInput"
        case .unexpectedEndOfInput: "unexpectedEndOfInput"
        case .unexpectedByte: "unexpectedByte"
        case .trailingComma: "trailingComma"
        case .leadingZero: "leadingZero"
        case .invalidNumber: "invalidNumber"
        case .numberOutOfRange: "numberOutOfRange"
        case .controlCharacterInString: "controlCharacterInString"
        case .invalidEscape: "invalidEscape"
        case .invalidUnicodeEscape: "invalidUnicodeEscape"
        case .loneSurrogate: "loneSurrogate"
        case .invalidUTF8: "invalidUTF8"
        case .depthLimitExceeded: "depthLimitExceeded"
        case .trailingContent: "trailingContent"
        case .invalidLiteral: "invalidLiteral"
        }
    }

    public var description: String {
        let detail: String
        switch reason {
        case .emptyInput: detail = "no JSON value in the input"
        case .unexpectedEndOfInput: detail = "input ended inside a value"
        case .unexpectedByte(let byte, let expected): detail = "unexpected \(Self.describe(byte)), expected \(expected)"
        case .trailingComma: detail = "trailing comma before a closing bracket"
        case .leadingZero: detail = "number has a leading zero"
        case .invalidNumber(let why): detail = "invalid number: \(why)"
        case .numberOutOfRange: detail = "number out of the range of a double"
        case .controlCharacterInString(let byte): detail = "unescaped control character \(Self.describe(byte)) in a string"
        case .invalidEscape(let byte): detail = "invalid escape \\\(Self.printable(byte)) in a string"
        case .invalidUnicodeEscape: detail = "\\u must be followed by four hexadecimal digits"
        case .loneSurrogate(let unit): detail = "lone UTF-16 surrogate \\u\(Self.hex4(unit))"
        case .invalidUTF8: detail = "invalid UTF-8 byte sequence"
        case .depthLimitExceeded(let limit): detail = "nesting deeper than \(limit) levels"
        case .trailingContent: detail = "unexpected content after the JSON value"
        case .invalidLiteral: detail = "invalid literal (expected true, false or null)"
        }
        return "JSON parse error at byte \(offset): \(detail)"
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true).leftPadded(to: 2))"
    }

    private static func printable(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return String(Character(Unicode.Scalar(byte))) }
        return "<0x\(String(byte, radix: 16, uppercase: true).leftPadded(to: 2))>"
    }

    private static func hex4(_ unit: UInt16) -> String {
        String(unit, radix: 16, uppercase: true).leftPadded(to: 4)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
