/// Random session identifiers shaped like the Node.js `base64id` ones.
///
/// 15 random bytes in base64 with `+` and `/` replaced by `-` and `_`: 20 URL-safe characters.
/// Randomness comes from the caller's generator, so tests can make ids deterministic.
public enum EngineIOSessionID {
    /// A fresh identifier drawn from `generator`.
    public static func make(using generator: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(15)
        for _ in 0..<15 { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
        var output: [UInt8] = []
        output.reserveCapacity(20)
        var index = 0
        while index + 2 < bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            output.append(alphabet[Int(value >> 6 & 63)])
            output.append(alphabet[Int(value & 63)])
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A fresh identifier from the system's cryptographic generator.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return make(using: &generator)
    }
}
