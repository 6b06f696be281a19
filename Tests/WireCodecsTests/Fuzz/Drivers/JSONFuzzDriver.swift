import WireCodecs

/// Fuzz target `json`: `JSONParser.parse` on arbitrary bytes.
///
/// RFC 8259. Invariants: a parsed value serializes to text that parses to the same value, and that
/// text is a fixed point of serialize-after-parse.
enum JSONFuzzDriver {
    static func run(_ input: [UInt8]) -> [String] {
        var check = FuzzCheck()
        guard let value = try? JSONParser.parse(input) else { return [] }
        let text = JSONSerializer.serialize(value)
        let again = Result { () throws(JSONParseError) in try JSONParser.parse(text) }
        check.expect(again == .success(value), "json round trip: \(value) serialized as \(text) parsed as \(again)")
        if case .success(let reparsed) = again {
            check.expect(JSONSerializer.serialize(reparsed) == text, "json: serialization of \(text) is not a fixed point")
        }
        return check.findings
    }
}
