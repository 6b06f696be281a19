import Testing
@testable import WireCodecs

@Suite struct WebSocketFrameParserTests {
    /// Feeds `input` in chunks of `chunkSize` bytes (whole when nil), draining frames after each chunk.
    static func parse(_ input: [UInt8], role: WebSocketRole, maxFrameSize: Int, chunkSize: Int?) -> WebSocketParseOutcome<WebSocketFrame> {
        var parser = WebSocketFrameParser(role: role, maxFrameSize: maxFrameSize)
        var outcome = WebSocketParseOutcome<WebSocketFrame>()
        let size = max(1, chunkSize ?? input.count)
        var start = 0
        repeat {
            let end = min(input.count, start + size)
            parser.append(input[start..<end])
            start = end
            do {
                while let frame = try parser.nextFrame() { outcome.items.append(frame) }
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
        let whole = Self.parse(vector.input, role: role, maxFrameSize: vector.frameLimit, chunkSize: nil)
        let expectedFrames = vector.expectedFrames.compactMap(\.frame)
        #expect(expectedFrames.count == vector.expectedFrames.count, "vector has an unknown opcode in expectedFrames")
        #expect(whole.items == expectedFrames)
        if let expectedError = vector.expectedError, expectedError.layer == "frame" {
            let error = try #require(whole.error)
            #expect(WebSocketVectors.name(of: error) == expectedError.name)
            #expect(error.closeCode == expectedError.closeCode)
        } else {
            #expect(whole.error == nil)
        }
        let split = Self.parse(vector.input, role: role, maxFrameSize: vector.frameLimit, chunkSize: 1)
        #expect(split == whole)
    }

    @Test func refusesOversizedFrameFromHeaderAlone() {
        var parser = WebSocketFrameParser(role: .client, maxFrameSize: 10)
        parser.append([0x82, 11])
        #expect(throws: WebSocketProtocolError.frameTooLarge(length: 11, limit: 10)) { try parser.nextFrame() }
    }

    @Test func staysFailedAfterAnError() {
        var parser = WebSocketFrameParser(role: .client)
        parser.append([0xC1, 0x00])
        #expect(throws: WebSocketProtocolError.reservedBitsSet(4)) { try parser.nextFrame() }
        parser.append([0x81, 0x00])
        #expect(throws: WebSocketProtocolError.reservedBitsSet(4)) { try parser.nextFrame() }
        #expect(parser.error == .reservedBitsSet(4))
    }

    @Test func acceptsNonMinimalLengthWhenAllowed() throws {
        var parser = WebSocketFrameParser(role: .client, allowsNonMinimalLengths: true)
        parser.append([0x82, 126, 0, 3, 1, 2, 3, 0x82, 127, 0, 0, 0, 0, 0, 0, 0, 1, 9])
        #expect(try parser.nextFrame() == WebSocketFrame(opcode: .binary, payload: [1, 2, 3]))
        #expect(try parser.nextFrame() == WebSocketFrame(opcode: .binary, payload: [9]))
        #expect(try parser.nextFrame() == nil)
    }

    @Test func waitsForTheWholePayload() throws {
        var parser = WebSocketFrameParser(role: .client)
        parser.append([0x82, 3, 1, 2])
        #expect(try parser.nextFrame() == nil)
        #expect(parser.bufferedByteCount == 4)
        parser.append([3])
        #expect(try parser.nextFrame() == WebSocketFrame(opcode: .binary, payload: [1, 2, 3]))
        #expect(parser.bufferedByteCount == 0)
    }

    /// Many frames through one parser, appended in uneven chunks, exercise buffer compaction.
    @Test func parsesALongStreamAcrossCompactions() throws {
        var stream = [UInt8]()
        var expected = [WebSocketFrame]()
        for index in 0..<600 {
            let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: index % 200)
            let frame = WebSocketFrame(opcode: .binary, maskingKey: [1, 2, 3, UInt8(truncatingIfNeeded: index)], payload: payload)
            frame.append(to: &stream)
            expected.append(frame)
        }
        var parser = WebSocketFrameParser(role: .server)
        var received = [WebSocketFrame]()
        var start = 0
        var chunk = 1
        while start < stream.count {
            let end = min(stream.count, start + chunk)
            parser.append(stream[start..<end])
            start = end
            chunk = chunk % 997 + 13
            while let frame = try parser.nextFrame() { received.append(frame) }
        }
        #expect(received == expected)
        #expect(parser.bufferedByteCount == 0)
    }
}
