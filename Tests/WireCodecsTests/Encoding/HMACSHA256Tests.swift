import Testing
@testable import WireCodecs

/// RFC 4231 §4 test cases 1–7 from `Spec/vectors/crypto.json`, and the constant-time comparison.
@Suite struct HMACSHA256Tests {
    @Test func vectorsLoad() throws {
        #expect(try CryptoVectors.load().hmacSHA256.count == 7)
    }

    @Test(arguments: CryptoVectors.shared?.hmacSHA256 ?? [])
    func rfc4231(vector: CryptoVectors.MAC) {
        let mac = HMACSHA256.authenticationCode(key: SpecVectors.bytes(hex: vector.keyHex), message: SpecVectors.bytes(hex: vector.dataHex))
        #expect(mac.count == 32)
        let compared = vector.truncateToBytes.map { Array(mac.prefix($0)) } ?? mac
        #expect(CryptoVectors.hex(compared) == vector.mac)
    }

    @Test func keyOfExactlyOneBlockIsNotHashed() {
        // A 64-byte key is padded, not hashed; a 65-byte key is hashed: the two differ from each other.
        let message = Array("m".utf8)
        let block = [UInt8](repeating: 0x61, count: 64)
        let longer = block + [0x61]
        #expect(HMACSHA256.authenticationCode(key: block, message: message) != HMACSHA256.authenticationCode(key: longer, message: message))
        #expect(HMACSHA256.authenticationCode(key: longer, message: message)
            == HMACSHA256.authenticationCode(key: SHA256.hash(longer), message: message))
    }

    @Test func constantTimeEquals() {
        #expect(HMACSHA256.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(HMACSHA256.constantTimeEquals([], []))
        #expect(!HMACSHA256.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!HMACSHA256.constantTimeEquals([0, 2, 3], [1, 2, 3]))
        #expect(!HMACSHA256.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!HMACSHA256.constantTimeEquals([1, 2], [1, 2, 3]))
    }
}
