/// The query parameters of an Engine.IO request target, decoded the way Node's
/// `querystring.parse` does (`+` is a space, `%XX` escapes, malformed escapes kept as is).
///
/// Engine.IO v4 "Query parameters": `EIO`, `transport`, `sid`. Repeated keys are kept;
/// `value(for:)` answers only a key given exactly once (Node turns repeats into an array,
/// which then matches no transport, version or session).
public struct EngineIORequestQuery: Sendable, Equatable {
    /// The path part of the target, without the query (e.g. `/socket.io/`).
    public var path: String
    /// Every key with all its values, in arrival order.
    public var parameters: [String: [String]]

    public init(path: String, parameters: [String: [String]]) {
        self.path = path
        self.parameters = parameters
    }

    /// Splits a request target (`/socket.io/?EIO=4&transport=polling`) into path and query.
    public init(target: String) {
        var rest = Substring(target)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        guard let question = rest.firstIndex(of: "?") else {
            self.init(path: String(rest), parameters: [:])
            return
        }
        var parameters: [String: [String]] = [:]
        for pair in rest[rest.index(after: question)...].split(separator: "&", omittingEmptySubsequences: true) {
            let key: Substring
            let value: Substring
            if let equals = pair.firstIndex(of: "=") {
                key = pair[..<equals]
                value = pair[pair.index(after: equals)...]
            } else {
                key = pair
                value = ""
            }
            parameters[Self.decode(key), default: []].append(Self.decode(value))
        }
        self.init(path: String(rest[..<question]), parameters: parameters)
    }

    /// The value of a key present exactly once; nil when absent or repeated.
    public func value(for key: String) -> String? {
        guard let values = parameters[key], values.count == 1 else { return nil }
        return values[0]
    }

    /// Whether the key appears at least once.
    public func contains(_ key: String) -> Bool { parameters[key] != nil }

    /// Percent-decodes one component; `+` becomes a space; bad escapes stay literal.
    static func decode(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
                index += 1
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
