import Testing
@testable import WireCodecs

/// RFC 3174 §7.3 test vectors, plus block-boundary lengths checked against another implementation.
@Suite struct SHA1Tests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test func rfc3174Test1ABC() {
        #expect(Self.hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }

    @Test func rfc3174Test2FourHundredFortyEightBits() {
        let input = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(Self.hex(SHA1.hash(Array(input.utf8))) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }

    @Test func rfc3174Test3MillionA() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Self.hex(SHA1.hash(input)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func rfc3174Test4RepeatedDigits() {
        let block = Array(String(repeating: "01234567", count: 8).utf8)
        let input = Array([[UInt8]](repeating: block, count: 10).joined())
        #expect(input.count == 640)
        #expect(Self.hex(SHA1.hash(input)) == "dea356a2cddd90c7a7ecedc5ebb563934f460452")
    }

    @Test func emptyInput() {
        #expect(Self.hex(SHA1.hash([UInt8]())) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    /// Lengths around the 55/56/64-byte padding boundaries; input byte i is i mod 256.
    @Test(arguments: [
        (55, "8ae2d46729cfe68ff927af5eec9c7d1b66d65ac2"),
        (56, "636e2ec698dac903498e648bd2f3af641d3c88cb"),
        (63, "6d942da0c4392b123528f2905c713a3ce28364bd"),
        (64, "c6138d514ffa2135bfce0ed0b8fac65669917ec7"),
        (65, "69bd728ad6e13cd76ff19751fde427b00e395746"),
        (119, "41c89d06001bab4ab78736b44efe7ce18ce6ae08"),
        (120, "d3dbd653bd8597b7475321b60a36891278e6a04a"),
    ])
    func paddingBoundaries(length: Int, digest: String) {
        let input = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        #expect(Self.hex(SHA1.hash(input)) == digest)
        // A non-array collection gives the same digest.
        #expect(Self.hex(SHA1.hash(input[...])) == digest)
    }
}
