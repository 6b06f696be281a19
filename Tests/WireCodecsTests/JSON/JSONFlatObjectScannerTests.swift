import Testing
@testable import WireCodecs

/// The flat-object scanner either gives exactly `JSONParser`'s members or declines.
@Suite struct JSONFlatObjectScannerTests {
    /// What the scanner must return for `bytes`, derived from the full parser: the members when the
    /// document is an object of strings, else nil (escaped strings may decline too).
    static func parserMembers(_ bytes: [UInt8]) -> [(key: String, value: String)]? {
        guard case .object(let members)? = try? JSONParser.parse(bytes, maxDepth: 1) else { return nil }
        var result: [(key: String, value: String)] = []
        for member in members {
            guard case .string(let value) = member.value else { return nil }
            result.append((key: member.key, value: value))
        }
        return result
    }

    static func check(_ bytes: [UInt8]) {
        let scanned = JSONFlatObjectScanner.members(bytes)
        let parsed = parserMembers(bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        if let scanned {
            // Whatever the scanner answers, the parser agrees with, member for member.
            #expect(parsed.map { $0.map(\.key) } == scanned.map(\.key), "\(text)")
            #expect(parsed.map { $0.map(\.value) } == scanned.map(\.value), "\(text)")
        } else if let parsed {
            // Declining a flat object of strings is allowed only for escapes.
            #expect(bytes.contains(0x5C), "declined \(text) (\(parsed.count) members)")
        }
    }

    @Test(arguments: try JSONVectorFile.load().valid)
    func agreesWithTheParserOnValidVectors(vector: JSONVectorFile.Valid) {
        Self.check(Array(vector.text.utf8))
    }

    @Test(arguments: try JSONVectorFile.load().invalid)
    func declinesInvalidVectors(vector: JSONVectorFile.Invalid) {
        #expect(JSONFlatObjectScanner.members(vector.bytes) == nil)
    }

    @Test(arguments: [
        #"{}"#, #" { } "#, #"{"a":"b"}"#, "\t{\r\n\"a\" :\n\"b\" , \"a\":\"\"}\n", #"{"é":"東京😀"}"#,
        #"{"a":"b",}"#, #"{"a":"b"} x"#, #"{"a":1}"#, #"{"a":"b\n"}"#, #"{"a" "b"}"#, #"{"a":"b""#, #"{"a":"b"}}"#,
        #"{'a':'b'}"#, #"["a","b"]"#, #""a""#, "", " ", "{\"a\":\"\u{7}\"}", #"{"a":null}"#, #"{,}"#,
    ])
    func agreesWithTheParserOnSamples(text: String) {
        Self.check(Array(text.utf8))
    }

    @Test func declinesInvalidUTF8AndKeepsDuplicatesInOrder() throws {
        #expect(JSONFlatObjectScanner.members([0x7B, 0x22, 0xC0, 0x80, 0x22, 0x3A, 0x22, 0x22, 0x7D]) == nil)
        #expect(JSONFlatObjectScanner.members([0x7B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x3A, 0x22, 0x22, 0x7D]) == nil)
        let members = try #require(JSONFlatObjectScanner.members(Array(#"{"k":"1","j":"2","k":"3"}"#.utf8)))
        #expect(members.map(\.key) == ["k", "j", "k"])
        #expect(members.map(\.value) == ["1", "2", "3"])
    }
}
