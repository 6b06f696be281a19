import Testing
@testable import WireCodecs

/// RFC 4648 §5 without padding, canonical only (`Spec/vectors/crypto.json`).
@Suite struct Base64URLTests {
    @Test func validVectors() throws {
        for vector in try CryptoVectors.load().base64url.valid {
            let bytes = SpecVectors.bytes(hex: vector.hex)
            #expect(Base64URL.encode(bytes) == vector.text)
            #expect(Base64URL.decode(vector.text) == bytes)
        }
    }

    @Test func invalidVectors() throws {
        for text in try CryptoVectors.load().base64url.invalid {
            #expect(Base64URL.decode(text) == nil, "\(text)")
        }
    }

    @Test func urlAlphabetRoundTrip() {
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF, 0x3E, 0x3F]
        let text = Base64URL.encode(bytes)
        #expect(!text.contains("+") && !text.contains("/") && !text.contains("="))
        #expect(Base64URL.decode(text) == bytes)
    }

    @Test func nonZeroTrailingBitsAreRefused() {
        // "Zg" is "f"; "Zh" spells the same byte with a stray low bit.
        #expect(Base64URL.decode("Zg") == Array("f".utf8))
        #expect(Base64URL.decode("Zh") == nil)
    }
}
