/// SHA-1 message digest, used only for the WebSocket opening handshake (`Sec-WebSocket-Accept`).
///
/// RFC 3174 §6.1 (method 1). SHA-1 is not collision resistant; RFC 6455 §4.2.2 uses it only to prove
/// that the server understood the handshake, never for security.
public enum SHA1 {
    /// The 20-byte digest of `bytes`.
    ///
    /// RFC 3174 §4 (padding) and §6.1 (block processing).
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
        var schedule = [UInt32](repeating: 0, count: 80)
        PaddedMessageBlocks.forEach(bytes) { processBlock($0, schedule: &schedule, state: &state) }

        var digest = [UInt8]()
        digest.reserveCapacity(20)
        for word in [state.0, state.1, state.2, state.3, state.4] {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        return digest
    }

    /// Processes one 512-bit block (RFC 3174 §6.1, steps a–e).
    private static func processBlock(
        _ block: [UInt8],
        schedule: inout [UInt32],
        state: inout (UInt32, UInt32, UInt32, UInt32, UInt32)
    ) {
        for index in 0..<16 {
            schedule[index] = UInt32(block[4 * index]) << 24 | UInt32(block[4 * index + 1]) << 16
                | UInt32(block[4 * index + 2]) << 8 | UInt32(block[4 * index + 3])
        }
        for index in 16..<80 {
            let mixed = schedule[index - 3] ^ schedule[index - 8] ^ schedule[index - 14] ^ schedule[index - 16]
            schedule[index] = mixed.rotatedLeft(by: 1)
        }
        var (a, b, c, d, e) = state
        for index in 0..<80 {
            let function: UInt32
            let constant: UInt32
            switch index {
            case 0..<20:
                function = (b & c) | (~b & d)
                constant = 0x5A82_7999
            case 20..<40:
                function = b ^ c ^ d
                constant = 0x6ED9_EBA1
            case 40..<60:
                function = (b & c) | (b & d) | (c & d)
                constant = 0x8F1B_BCDC
            default:
                function = b ^ c ^ d
                constant = 0xCA62_C1D6
            }
            let temporary = a.rotatedLeft(by: 5) &+ function &+ e &+ schedule[index] &+ constant
            e = d
            d = c
            c = b.rotatedLeft(by: 30)
            b = a
            a = temporary
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e)
    }
}

extension UInt32 {
    /// Circular left shift, `S^n(X)` in RFC 3174 §3.
    fileprivate func rotatedLeft(by count: UInt32) -> UInt32 {
        self << count | self >> (32 - count)
    }
}
