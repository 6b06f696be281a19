/// Strict UTF-8 validation, whole or incremental across chunks (a WebSocket text message may split a
/// code point between frames).
///
/// RFC 3629 §3–4: rejects overlong forms, UTF-16 surrogates (U+D800–U+DFFF), code points above U+10FFFF,
/// and the bytes C0, C1, F5–FF. RFC 6455 §8.1: an endpoint fails the connection as soon as the bytes
/// received so far cannot begin valid UTF-8, so `validate(_:)` reports an error at the first bad byte
/// rather than at the end of the message.
public struct UTF8Validation: Sendable, Equatable {
    /// Continuation bytes still expected for the current code point (0 at a code point boundary).
    private var remainingContinuationBytes: UInt8 = 0
    /// Inclusive bounds for the next continuation byte (narrower than 80–BF right after some lead bytes).
    private var nextLowerBound: UInt8 = 0x80
    private var nextUpperBound: UInt8 = 0xBF
    /// Sticky: once invalid, always invalid.
    public private(set) var hasFailed = false

    /// A validator at the start of a text.
    public init() {}

    /// True when every byte fed so far is valid UTF-8 and no code point is left unfinished.
    public var isComplete: Bool { !hasFailed && remainingContinuationBytes == 0 }

    /// Feeds the next bytes; returns false as soon as the bytes so far cannot be a prefix of valid UTF-8.
    @discardableResult
    public mutating func validate(_ bytes: some Collection<UInt8>) -> Bool {
        guard !hasFailed else { return false }
        let handled = bytes.withContiguousStorageIfAvailable { buffer in
            validateContiguous(buffer)
        }
        if let handled { return handled }
        for byte in bytes where !step(byte) {
            hasFailed = true
            return false
        }
        return true
    }

    /// Feeds the end of the text: returns true when the whole text was valid UTF-8.
    public mutating func finish() -> Bool {
        if remainingContinuationBytes != 0 { hasFailed = true }
        return !hasFailed
    }

    /// Returns true when `bytes` are one complete, valid UTF-8 text.
    public static func isValid(_ bytes: some Collection<UInt8>) -> Bool {
        var validator = UTF8Validation()
        return validator.validate(bytes) && validator.finish()
    }

    private mutating func validateContiguous(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = buffer.count
        while index < count {
            // Fast path: runs of ASCII at a code point boundary.
            if remainingContinuationBytes == 0 {
                while index < count, buffer[index] < 0x80 { index += 1 }
                if index == count { break }
            }
            if !step(buffer[index]) {
                hasFailed = true
                return false
            }
            index += 1
        }
        return true
    }

    /// Advances over one byte; false when it cannot continue valid UTF-8 (RFC 3629 §4 syntax).
    private mutating func step(_ byte: UInt8) -> Bool {
        if remainingContinuationBytes > 0 {
            guard byte >= nextLowerBound, byte <= nextUpperBound else { return false }
            remainingContinuationBytes -= 1
            nextLowerBound = 0x80
            nextUpperBound = 0xBF
            return true
        }
        switch byte {
        case 0x00...0x7F:
            return true
        case 0xC2...0xDF:
            expect(continuationBytes: 1, from: 0x80, through: 0xBF)
        case 0xE0:
            expect(continuationBytes: 2, from: 0xA0, through: 0xBF)  // no overlong 3-byte forms
        case 0xE1...0xEC, 0xEE...0xEF:
            expect(continuationBytes: 2, from: 0x80, through: 0xBF)
        case 0xED:
            expect(continuationBytes: 2, from: 0x80, through: 0x9F)  // no surrogates U+D800–U+DFFF
        case 0xF0:
            expect(continuationBytes: 3, from: 0x90, through: 0xBF)  // no overlong 4-byte forms
        case 0xF1...0xF3:
            expect(continuationBytes: 3, from: 0x80, through: 0xBF)
        case 0xF4:
            expect(continuationBytes: 3, from: 0x80, through: 0x8F)  // nothing above U+10FFFF
        default:
            return false  // 80–BF as a lead byte, C0, C1 (overlong), F5–FF
        }
        return true
    }

    private mutating func expect(continuationBytes: UInt8, from lowerBound: UInt8, through upperBound: UInt8) {
        remainingContinuationBytes = continuationBytes
        nextLowerBound = lowerBound
        nextUpperBound = upperBound
    }
}
