/// HMAC with SHA-256, the signature of JWT `HS256` (RFC 7518 §3.2); RFC 2104 §2, tested against RFC 4231.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    ///
    /// RFC 2104 §2: a key longer than the block size is hashed first; the key is zero-padded to the
    /// block size; `H(K ^ opad, H(K ^ ipad, text))`.
    public static func authenticationCode(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        var paddedKey = key.count > SHA256.blockSize ? SHA256.hash(key) : Array(key)
        paddedKey.append(contentsOf: repeatElement(0, count: SHA256.blockSize - paddedKey.count))
        var inner = paddedKey.map { $0 ^ 0x36 }
        inner.append(contentsOf: message)
        var outer = paddedKey.map { $0 ^ 0x5C }
        outer.append(contentsOf: SHA256.hash(inner))
        return SHA256.hash(outer)
    }

    /// Whether two byte strings are equal, in time that depends only on their lengths, never on
    /// where they first differ: a signature check must not tell an attacker how many leading bytes
    /// of a forged signature were right.
    public static func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
