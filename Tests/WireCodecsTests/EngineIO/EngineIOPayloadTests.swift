import Testing
@testable import WireCodecs

/// Engine.IO v4 HTTP long-polling payloads, driven by `Spec/vectors/engineio.json`.
@Suite struct EngineIOPayloadTests {
    @Test(arguments: try EngineIOVectorFile.load().payloads)
    func decodesAndEncodesPayloads(vector: EngineIOVectorFile.PayloadCase) throws {
        let expected = vector.packets.compactMap(\.packet)
        #expect(expected.count == vector.packets.count)
        let bytes = Array(vector.text.utf8)
        #expect(try EngineIOPayload.decode(bytes, maxPayload: 1_000_000) == expected)
        #expect(EngineIOPayload.encode(expected) == bytes)
    }

    @Test(arguments: try EngineIOVectorFile.load().malformedPayloads)
    func refusesMalformedPayloads(vector: EngineIOVectorFile.MalformedPayload) {
        do {
            let packets = try EngineIOPayload.decode(vector.bytes, maxPayload: vector.maxPayload)
            Issue.record("Expected: \(vector.error). Actual: \(packets)")
        } catch {
            #expect(error.code == vector.error, "\(error.description)")
        }
    }

    @Test func payloadExactlyAtTheLimitIsAccepted() throws {
        #expect(try EngineIOPayload.decode(Array("4hello".utf8), maxPayload: 6) == [.message("hello")])
        #expect(throws: EngineIOParseError.payloadTooLarge(size: 6, limit: 5)) {
            try EngineIOPayload.decode(Array("4hello".utf8), maxPayload: 5)
        }
    }

    @Test func reportsTheOffsetOfInvalidUTF8AndTheIndexOfBadBase64() {
        #expect(throws: EngineIOParseError.invalidUTF8(offset: 2)) { try EngineIOPayload.decode([0x34, 0x61, 0xFF], maxPayload: 100) }
        #expect(throws: EngineIOParseError.invalidBase64(packetIndex: 1)) {
            try EngineIOPayload.decode(Array("4a\u{1E}b!!!!".utf8), maxPayload: 100)
        }
    }

    @Test(arguments: try EngineIOVectorFile.load().payloads)
    func truncatedPayloadsNeverCrash(vector: EngineIOVectorFile.PayloadCase) {
        let bytes = Array(vector.text.utf8)
        var refused = 0
        for length in 0..<bytes.count {
            do { _ = try EngineIOPayload.decode(Array(bytes[0..<length]), maxPayload: 1_000_000) } catch { refused += 1 }
        }
        #expect(refused >= 1, "at least the empty payload is refused")
    }
}
