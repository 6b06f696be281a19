/// A deterministic random number generator (xoshiro256**, seeded through SplitMix64).
///
/// Scenario randomness comes only from here, so a run is reproduced by its `--seed`: the generator of
/// a scenario is seeded with `SeededGenerator.derive(seed:, stream: scenarioID)`, independent of which
/// other scenarios run and in what order.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var splitMix = seed
        state = (Self.splitMix64(&splitMix), Self.splitMix64(&splitMix), Self.splitMix64(&splitMix), Self.splitMix64(&splitMix))
    }

    /// A generator for one named stream (a scenario ID) of a run seed.
    public init(seed: UInt64, stream: String) { self.init(seed: Self.derive(seed: seed, stream: stream)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = Self.rotate(state.3, 45)
        return result
    }

    /// The seed of a named stream: SplitMix64 of the run seed XOR the FNV-1a 64 hash of the name.
    public static func derive(seed: UInt64, stream: String) -> UInt64 {
        var mixed = seed ^ fnv1a64(stream)
        return splitMix64(&mixed)
    }

    /// FNV-1a, 64 bits, over the UTF-8 bytes: a hash stable across processes (unlike `Hasher`).
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    public static func == (lhs: SeededGenerator, rhs: SeededGenerator) -> Bool {
        lhs.state.0 == rhs.state.0 && lhs.state.1 == rhs.state.1 && lhs.state.2 == rhs.state.2 && lhs.state.3 == rhs.state.3
    }

    private static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state = state &+ 0x9e37_79b9_7f4a_7c15
        var value = state
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        return value ^ (value >> 31)
    }

    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 { (value << count) | (value >> (64 - count)) }
}
