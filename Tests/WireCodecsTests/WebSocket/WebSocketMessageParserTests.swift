import Testing
@testable import WireCodecs

@Suite struct WebSocketMessageParserTests {
    static func parse(_ input: [UInt8], vector: WebSocketVectors.FrameCase, role: WebSocketRole, chunkSize: Int?) -> WebSocketParseOutcome<WebSocketMessage> {
        var parser = WebSocketMessageParser(role: role, maxFrameSize: vector.frameLimit, maxMessageSize: vector.messageLimit)
        var outcome = WebSocketParseOutcome<WebSocketMessage>()
        let size = max(1, chunkSize ?? input.count)
        var start = 0
        repeat {
            let end = min(input.count, start + size)
            parser.append(input[start..<end])
            start = end
            do {
                while let message = try parser.nextMessage() { outcome.items.append(message) }
            } catch {
                outcome.error = error
                return outcome
            }
        } while start < input.count
        return outcome
    }

    @Test(arguments: WebSocketVectors.shared.frames)
    func vectorParsesWholeAndByteByByte(vector: WebSocketVectors.FrameCase) throws {
        let role = try #require(vector.parserRole)
        let whole = Self.parse(vector.input, vector: vector, role: role, chunkSize: nil)
        let expectedMessages = vector.expectedMessages.compactMap(\.message)
        #expect(expectedMessages.count == vector.expectedMessages.count, "vector has an unknown message type")
        #expect(whole.items == expectedMessages)
        if let expectedError = vector.expectedError {
            let error = try #require(whole.error)
            #expect(WebSocketVectors.name(of: error) == expectedError.name)
            #expect(error.closeCode == expectedError.closeCode)
        } else {
            #expect(whole.error == nil)
        }
        let split = Self.parse(vector.input, vector: vector, role: role, chunkSize: 1)
        #expect(split == whole)
    }

    @Test func refusesSingleFrameOverMessageLimit() {
        var parser = WebSocketMessageParser(role: .client, maxFrameSize: 100, maxMessageSize: 5)
        parser.append([0x81, 6])
        #expect(throws: WebSocketProtocolError.messageTooLarge(limit: 5)) { try parser.nextMessage() }
    }

    @Test func acceptsMessageExactlyAtLimit() throws {
        var parser = WebSocketMessageParser(role: .client, maxFrameSize: 100, maxMessageSize: 6)
        parser.append([0x02, 3, 1, 2, 3, 0x80, 3, 4, 5, 6])
        #expect(try parser.nextMessage() == .binary([1, 2, 3, 4, 5, 6]))
        #expect(!parser.isInsideFragmentedMessage)
    }

    @Test func controlFramesDoNotCountTowardsMessageLimit() throws {
        var parser = WebSocketMessageParser(role: .client, maxFrameSize: 200, maxMessageSize: 4)
        var input: [UInt8] = [0x02, 4, 1, 2, 3, 4]
        WebSocketFrame.appendPing([UInt8](repeating: 7, count: 100), to: &input)
        input += [0x80, 0]
        parser.append(input)
        #expect(try parser.nextMessage() == .ping([UInt8](repeating: 7, count: 100)))
        #expect(parser.isInsideFragmentedMessage)
        #expect(try parser.nextMessage() == .binary([1, 2, 3, 4]))
    }

    @Test func takesLimitsFromWireLimits() {
        let limits = WireLimits(webSocketMaxFrameSize: 10, webSocketMaxMessageSize: 20)
        let parser = WebSocketMessageParser(role: .server, limits: limits)
        #expect(parser.maxFrameSize == 10)
        #expect(parser.maxMessageSize == 20)
        #expect(parser.role == .server)
    }

    @Test func staysFailedAfterAnError() {
        var parser = WebSocketMessageParser(role: .client)
        parser.append([0x80, 0])
        #expect(throws: WebSocketProtocolError.continuationWithoutStart) { try parser.nextMessage() }
        parser.append([0x81, 0])
        #expect(throws: WebSocketProtocolError.continuationWithoutStart) { try parser.nextMessage() }
    }

    /// Every message the builders write reads back, from each role's point of view.
    @Test(arguments: WebSocketRole.allCases)
    func readsBackBuiltMessages(receiver: WebSocketRole) throws {
        let key: [UInt8]? = receiver == .server ? [0xDE, 0xAD, 0xBE, 0xEF] : nil
        var input = [UInt8]()
        WebSocketFrame.appendText("héllo wörld", maskingKey: key, to: &input)
        WebSocketFrame.appendBinary([0, 1, 2, 255], maskingKey: key, to: &input)
        WebSocketFrame.appendPing([9], maskingKey: key, to: &input)
        WebSocketFrame.appendPong([], maskingKey: key, to: &input)
        WebSocketFrame.appendClose(code: 1001, reason: "bye", maskingKey: key, to: &input)
        WebSocketFrame.appendClose(code: nil, maskingKey: key, to: &input)
        var parser = WebSocketMessageParser(role: receiver)
        parser.append(input)
        var messages = [WebSocketMessage]()
        while let message = try parser.nextMessage() { messages.append(message) }
        #expect(messages == [
            .text("héllo wörld"), .binary([0, 1, 2, 255]), .ping([9]), .pong([]),
            .close(code: 1001, reason: "bye"), .close(code: nil, reason: ""),
        ])
    }
}
