/// The 64-byte blocks of a message padded as SHA-1 and SHA-256 pad it: the message, a `1` bit, `0`
/// bits until the length is 448 mod 512, then the 64-bit big-endian bit length (RFC 3174 §4,
/// FIPS 180-4 §5.1.1). Lengths are taken modulo 2^64 bits, as both allow messages < 2^64 bits.
enum PaddedMessageBlocks {
    /// Calls `process` with each block in order (the same buffer, refilled).
    static func forEach(_ bytes: some Collection<UInt8>, _ process: (_ block: [UInt8]) -> Void) {
        var block = [UInt8](repeating: 0, count: 64)
        var blockCount = 0
        var messageLength: UInt64 = 0
        for byte in bytes {
            block[blockCount] = byte
            blockCount += 1
            messageLength &+= 1
            if blockCount == 64 {
                process(block)
                blockCount = 0
            }
        }
        block[blockCount] = 0x80
        blockCount += 1
        if blockCount > 56 {
            for index in blockCount..<64 { block[index] = 0 }
            process(block)
            blockCount = 0
        }
        for index in blockCount..<56 { block[index] = 0 }
        let bitLength = messageLength &* 8
        for index in 0..<8 {
            block[56 + index] = UInt8(truncatingIfNeeded: bitLength >> (56 - 8 * UInt64(index)))
        }
        process(block)
    }
}
