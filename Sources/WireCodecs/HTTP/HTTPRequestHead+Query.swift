/// The path and query of an origin-form request-target (RFC 9112 §3.2.1, RFC 3986 §3.4).
extension HTTPRequestHead {
    /// The request-target before any `?` (or `#`), not percent-decoded, e.g. `/socket.io/`.
    public var path: String {
        let utf8 = target.utf8
        guard let end = utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) else {
            return target
        }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }

    /// The raw query after `?` (up to any `#`), or nil when the target has none.
    public var query: String? {
        let utf8 = target.utf8
        guard let mark = utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        let rest = utf8[utf8.index(after: mark)...]
        let end = rest.firstIndex(of: UInt8(ascii: "#")) ?? rest.endIndex
        return String(decoding: rest[..<end], as: UTF8.self)
    }

    /// The `name=value` pairs of the query in order, `+` read as space and `%XX` decoded
    /// (application/x-www-form-urlencoded, WHATWG URL §5.1). Empty pieces are skipped, a piece
    /// without `=` has an empty value, malformed `%` escapes are kept literally, and bytes that are
    /// not UTF-8 become U+FFFD.
    public var queryItems: [(name: String, value: String)] {
        guard let query else { return [] }
        return query.utf8.split(separator: UInt8(ascii: "&")).map { piece in
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                return (Self.formDecode(piece[..<equals]), Self.formDecode(piece[piece.index(after: equals)...]))
            }
            return (Self.formDecode(piece), "")
        }
    }

    /// The decoded value of the first query item with this (decoded, case-sensitive) name.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    static func formDecode(_ text: Substring.UTF8View) -> String {
        let input = Array(text)
        var bytes = [UInt8]()
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexDigitValue(input[index + 1]), let low = hexDigitValue(input[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 2
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
