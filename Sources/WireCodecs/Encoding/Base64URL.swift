/// Base64url without padding (RFC 4648 §5, as JWS uses it: RFC 7515 §2 "Base64url Encoding").
public enum Base64URL {
    /// Encodes bytes as unpadded base64url text.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var text = Base64.encode(bytes)
        while text.last == "=" { text.removeLast() }
        return String(text.map { character -> Character in
            switch character {
            case "+": "-"
            case "/": "_"
            default: character
            }
        })
    }

    /// Decodes unpadded base64url text; nil when it is not canonical (padding, `+`, `/`, stray
    /// characters, a length of 1 mod 4, or non-zero unused bits are refused: one token, one spelling).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var standard = [UInt8]()
        standard.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): standard.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): standard.append(UInt8(ascii: "/"))
            case UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="): return nil
            default: standard.append(byte)
            }
        }
        switch standard.count % 4 {
        case 1: return nil
        case 2: standard.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "=")])
        case 3: standard.append(UInt8(ascii: "="))
        default: break
        }
        guard let decoded = Base64.decode(String(decoding: standard, as: UTF8.self)) else { return nil }
        // Canonical only: re-encoding must give the same text (rejects non-zero trailing bits).
        guard encode(decoded) == text else { return nil }
        return decoded
    }
}
