import Testing
@testable import WireCodecs

/// FIPS 180-4 examples and padding boundaries from `Spec/vectors/crypto.json`.
@Suite struct SHA256Tests {
    @Test func vectorsLoad() throws {
        let vectors = try CryptoVectors.load()
        #expect(vectors.sha256.count >= 4)
    }

    @Test(arguments: CryptoVectors.shared?.sha256 ?? [])
    func fipsExamples(vector: CryptoVectors.Digest) {
        let input = SpecVectors.bytes(hex: vector.hex)
        #expect(CryptoVectors.hex(SHA256.hash(input)) == vector.digest)
        #expect(CryptoVectors.hex(SHA256.hash(input[...])) == vector.digest)
    }

    @Test func oneMillionA() throws {
        let vector = try CryptoVectors.load().sha256Million
        let input = [UInt8](repeating: Array(vector.`repeat`.utf8)[0], count: vector.count)
        #expect(CryptoVectors.hex(SHA256.hash(input)) == vector.digest)
    }

    @Test func paddingBoundaries() throws {
        for vector in try CryptoVectors.load().sha256Boundaries.vectors {
            let input = (0..<vector.length).map { UInt8(truncatingIfNeeded: $0) }
            #expect(CryptoVectors.hex(SHA256.hash(input)) == vector.digest, "length \(vector.length)")
        }
    }

    @Test func abcLiteral() {
        // FIPS 180-4 example, written out so the test stands without the vector file.
        #expect(CryptoVectors.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
