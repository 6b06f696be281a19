import Testing
@testable import WireCodecs

/// RFC 3629 strictness and incremental (split across chunks) behaviour.
@Suite struct UTF8ValidationTests {
    static let valid: [[UInt8]] = [
        [],
        Array("Hello".utf8),
        Array("κόσμε".utf8),
        [0xC2, 0x80],  // U+0080, smallest 2-byte
        [0xDF, 0xBF],  // U+07FF
        [0xE0, 0xA0, 0x80],  // U+0800, smallest 3-byte
        [0xED, 0x9F, 0xBF],  // U+D7FF, just below the surrogates
        [0xEE, 0x80, 0x80],  // U+E000, just above the surrogates
        [0xEF, 0xBF, 0xBF],  // U+FFFF
        [0xF0, 0x90, 0x80, 0x80],  // U+10000, smallest 4-byte
        [0xF4, 0x8F, 0xBF, 0xBF],  // U+10FFFF, largest
    ]

    static let invalid: [[UInt8]] = [
        [0x80],  // lone continuation byte
        [0xC0, 0x80],  // overlong U+0000
        [0xC1, 0xBF],  // overlong U+007F
        [0xE0, 0x80, 0x80],  // overlong 3-byte
        [0xE0, 0x9F, 0xBF],  // overlong U+07FF
        [0xED, 0xA0, 0x80],  // U+D800 surrogate
        [0xED, 0xBF, 0xBF],  // U+DFFF surrogate
        [0xF0, 0x80, 0x80, 0x80],  // overlong 4-byte
        [0xF0, 0x8F, 0xBF, 0xBF],  // overlong U+FFFF
        [0xF4, 0x90, 0x80, 0x80],  // U+110000
        [0xF5, 0x80, 0x80, 0x80],  // lead byte beyond U+10FFFF
        [0xFE], [0xFF],
        [0xC3],  // truncated 2-byte
        [0xE2, 0x82],  // truncated 3-byte
        [0xC3, 0x41],  // lead byte followed by ASCII
        Array("ab".utf8) + [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64],
    ]

    @Test(arguments: valid)
    func acceptsValidText(bytes: [UInt8]) {
        #expect(UTF8Validation.isValid(bytes))
        #expect(String(validating: bytes, as: UTF8.self) != nil)
    }

    @Test(arguments: invalid)
    func rejectsInvalidText(bytes: [UInt8]) {
        #expect(!UTF8Validation.isValid(bytes))
    }

    /// Feeding one byte at a time gives the same verdict as the whole text, for every split.
    @Test(arguments: valid + invalid)
    func incrementalMatchesWhole(bytes: [UInt8]) {
        var validator = UTF8Validation()
        var ok = true
        for byte in bytes where !validator.validate([byte]) { ok = false }
        if ok { ok = validator.finish() }
        #expect(ok == UTF8Validation.isValid(bytes))
        for split in 0...bytes.count {
            var twoPart = UTF8Validation()
            let result = twoPart.validate(bytes[..<split]) && twoPart.validate(bytes[split...]) && twoPart.finish()
            #expect(result == UTF8Validation.isValid(bytes))
        }
    }

    @Test func reportsInvalidPrefixAtOnce() {
        var validator = UTF8Validation()
        let prefixAccepted = validator.validate(Array("ok".utf8))
        let badByteAccepted = validator.validate([0xFF])
        #expect(prefixAccepted)
        #expect(!badByteAccepted)
        #expect(validator.hasFailed)
        // Sticky: valid bytes afterwards do not recover.
        let laterAccepted = validator.validate(Array("fine".utf8))
        let finished = validator.finish()
        #expect(!laterAccepted)
        #expect(!finished)
    }

    @Test func tracksCodePointBoundary() {
        var validator = UTF8Validation()
        let firstHalf = validator.validate([0xF0, 0x9F])
        #expect(firstHalf)
        #expect(!validator.isComplete)
        let secondHalf = validator.validate([0x98, 0x80])
        #expect(secondHalf)
        #expect(validator.isComplete)
        let finished = validator.finish()
        #expect(finished)
    }

    @Test func agreesWithStandardLibraryOnAllTwoByteSequences() {
        for first in 0...255 {
            for second in 0...255 {
                let bytes = [UInt8(first), UInt8(second)]
                #expect(UTF8Validation.isValid(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
            }
        }
    }
}
