import Testing
@testable import WireCodecs

struct JSONVectorFile: Decodable {
    struct Valid: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let serialized: String
        var testDescription: String { name }
    }
    struct Invalid: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let text: String?
        let hex: String?
        let error: String
        let offset: Int
        var bytes: [UInt8] { text.map { Array($0.utf8) } ?? SpecVectors.bytes(hex: hex ?? "") }
        var testDescription: String { name }
    }
    let valid: [Valid]
    let invalid: [Invalid]

    static func load() throws -> JSONVectorFile { try SpecVectors.load("json.json") }
}

/// RFC 8259 parsing, driven by `Spec/vectors/json.json`.
@Suite struct JSONParserTests {
    @Test func vectorFileHasEnoughCases() throws {
        let file = try JSONVectorFile.load()
        #expect(file.valid.count + file.invalid.count >= 40)
    }

    @Test(arguments: try JSONVectorFile.load().valid)
    func parsesValidText(vector: JSONVectorFile.Valid) throws {
        let value = try JSONParser.parse(vector.text)
        #expect(value.serialized() == vector.serialized)
        // The byte-collection entry point agrees with the string one, and the output parses back to the same value.
        #expect(try JSONParser.parse(Array(vector.text.utf8)) == value)
        #expect(try JSONParser.parse(vector.serialized) == value)
    }

    @Test(arguments: try JSONVectorFile.load().invalid)
    func refusesInvalidText(vector: JSONVectorFile.Invalid) {
        do {
            let value = try JSONParser.parse(vector.bytes)
            Issue.record("Expected: error \(vector.error) at \(vector.offset). Actual: parsed \(value)")
        } catch {
            #expect(error.code == vector.error, "\(error.description)")
            #expect(error.offset == vector.offset, "\(error.description)")
        }
    }

    @Test func parsesStructureAndKeepsDuplicateMembers() throws {
        let value = try JSONParser.parse(#"{"a":[1,"x",null,true],"a":{"b":-2.5}}"#)
        #expect(value == .object([
            JSONMember("a", .array([.number(1), .string("x"), .null, .bool(true)])),
            JSONMember("a", .object([JSONMember("b", .number(-2.5))])),
        ]))
        #expect(value["a"]?["b"] == .number(-2.5))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""a\u00e9\ud83d\ude00\n\/""#) == .string("aé😀\n/"))
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let value = try JSONParser.parse("-0")
        #expect(value.numberValue?.sign == .minus)
    }

    @Test func depthLimitIsConfigurable() throws {
        #expect(try JSONParser.parse("[[1]]", maxDepth: 2) == .array([.array([.number(1)])]))
        #expect(throws: JSONParseError(.depthLimitExceeded(limit: 1), offset: 1)) { try JSONParser.parse("[[1]]", maxDepth: 1) }
        #expect(try JSONParser.parse("1", maxDepth: 0) == .number(1))
    }

    @Test func acceptsNonContiguousCollections() throws {
        let bytes = Array(#"{"k":[1,2]}"#.utf8)
        #expect(try JSONParser.parse(bytes.lazy.map { $0 }) == .object([JSONMember("k", .array([.number(1), .number(2)]))]))
    }

    @Test func deepNestingBeyondTheLimitDoesNotRecurseFurther() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError(.depthLimitExceeded(limit: 64), offset: 64)) { try JSONParser.parse(text) }
    }

    @Test func errorDescriptionNamesOffsetAndReason() {
        do {
            _ = try JSONParser.parse("[1,]")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "JSON parse error at byte 3: trailing comma before a closing bracket")
        }
    }

    @Test(arguments: try JSONVectorFile.load().valid)
    func everyTruncationIsRefusedWithoutCrashing(vector: JSONVectorFile.Valid) {
        let bytes = Array(vector.text.utf8)
        guard let first = bytes.first(where: { $0 > 0x20 }), [UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "\"")].contains(first) else { return }
        let end = bytes.lastIndex(where: { $0 > 0x20 }) ?? 0
        for length in 0..<end {
            #expect(throws: JSONParseError.self, "prefix of \(length) bytes") { try JSONParser.parse(bytes[0..<length]) }
        }
    }
}
