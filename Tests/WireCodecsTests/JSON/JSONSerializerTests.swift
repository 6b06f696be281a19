import Testing
@testable import WireCodecs

/// Compact RFC 8259 output: escapes and number forms.
@Suite struct JSONSerializerTests {
    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (42, "42"), (-7, "-7"), (1.5, "1.5"), (0.1, "0.1"),
        (9_007_199_254_740_991, "9007199254740991"), (9_007_199_254_740_992, "9007199254740992.0"),
        (1e300, "1e+300"), (-2.5e-8, "-2.5e-08"),
    ] as [(Double, String)])
    func writesNumbers(number: Double, expected: String) {
        #expect(JSONValue.number(number).serialized() == expected)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func writesNonFiniteNumbersAsNull(number: Double) {
        #expect(JSONValue.number(number).serialized() == "null")
    }

    @Test func escapesStrings() {
        let text = "\"\\/\u{08}\u{0C}\n\r\t\u{00}\u{1F}\u{7F}é😀"
        #expect(JSONValue.string(text).serialized() == "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u{7F}é😀\"")
    }

    @Test func appendStringBuildsMessagesWithoutValueTrees() {
        var buffer = Array("2[".utf8)
        JSONSerializer.appendString("new_message", to: &buffer)
        buffer.append(UInt8(ascii: ","))
        JSONSerializer.appendString("a\"b", to: &buffer)
        buffer.append(UInt8(ascii: "]"))
        #expect(String(decoding: buffer, as: UTF8.self) == #"2["new_message","a\"b"]"#)
    }

    @Test func writesContainersCompactlyInOrder() {
        let value = JSONValue.object([
            JSONMember("z", .array([.null, .bool(true), .bool(false)])),
            JSONMember("a", .object([])),
            JSONMember("z", .string("")),
        ])
        #expect(value.serialized() == #"{"z":[null,true,false],"a":{},"z":""}"#)
        var buffer: [UInt8] = [0x40]
        value.append(to: &buffer)
        #expect(buffer == [0x40] + Array(value.serialized().utf8))
    }

    @Test(arguments: ["\u{1}x\u{1F}", "plain", "", "\"\\\"", "日本語", "\u{2028}"])
    func stringRoundTrips(text: String) throws {
        #expect(try JSONParser.parse(JSONValue.string(text).serialized()) == .string(text))
    }
}
