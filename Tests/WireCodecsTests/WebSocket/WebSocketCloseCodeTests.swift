import Testing
@testable import WireCodecs

@Suite struct WebSocketCloseCodeTests {
    /// Autobahn|Testsuite cases 7.7.x (valid) and 7.9.x (invalid), plus range edges.
    @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999] as [UInt16])
    func acceptsCodesValidOnTheWire(code: UInt16) throws {
        #expect(WebSocketCloseCode.isValidOnWire(code))
        let parsed = try WebSocketCloseCode.parsePayload(WebSocketCloseCode.payload(code: code, reason: "ok"))
        #expect(parsed.code == code)
        #expect(parsed.reason == "ok")
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] as [UInt16])
    func refusesCodesInvalidOnTheWire(code: UInt16) {
        #expect(!WebSocketCloseCode.isValidOnWire(code))
        #expect(throws: WebSocketProtocolError.invalidCloseCode(code)) {
            try WebSocketCloseCode.parsePayload(WebSocketCloseCode.payload(code: code))
        }
    }

    @Test func parsesEmptyAndShortPayloads() throws {
        let empty = try WebSocketCloseCode.parsePayload([])
        #expect(empty.code == nil && empty.reason == "")
        #expect(throws: WebSocketProtocolError.closePayloadTooShort) { try WebSocketCloseCode.parsePayload([0x03]) }
        #expect(throws: WebSocketProtocolError.invalidUTF8InCloseReason) {
            try WebSocketCloseCode.parsePayload([0x03, 0xE8, 0xC0, 0x80])
        }
        #expect(WebSocketCloseCode.payload(code: nil, reason: "ignored") == [])
    }

    @Test func errorsMapToCloseCodes() {
        #expect(WebSocketProtocolError.invalidUTF8InText.closeCode == 1007)
        #expect(WebSocketProtocolError.invalidUTF8InCloseReason.closeCode == 1007)
        #expect(WebSocketProtocolError.frameTooLarge(length: 2, limit: 1).closeCode == 1009)
        #expect(WebSocketProtocolError.messageTooLarge(limit: 1).closeCode == 1009)
        #expect(WebSocketProtocolError.unknownOpcode(3).closeCode == 1002)
        #expect(WebSocketProtocolError.invalidCloseCode(1005).closeCode == 1002)
    }
}
