import Testing
@testable import WireCodecs

/// Binary packets and their attachments, driven by `Spec/vectors/socketio.json`.
@Suite struct SocketIOBinaryAssemblerTests {
    @Test(arguments: try SocketIOVectorFile.load().binarySequences)
    func assemblesBinaryPackets(vector: SocketIOVectorFile.BinarySequence) throws {
        let completed = try SocketIOVectorFile.assemble(vector.messages)
        let expected = SocketIOBinaryPacket(packet: try vector.packet.packet(), attachments: vector.attachments.map(SpecVectors.bytes(hex:)))
        #expect(completed == [expected])
        // Encoding gives back the same Engine.IO messages.
        let messages: [EngineIOPacket] = vector.messages.map { message in
            message.text.map { .message($0) } ?? .binaryMessage(SpecVectors.bytes(hex: message.hex ?? ""))
        }
        #expect(expected.engineIOPackets() == messages)
    }

    @Test(arguments: try SocketIOVectorFile.load().malformedBinarySequences)
    func refusesMalformedSequences(vector: SocketIOVectorFile.MalformedBinarySequence) {
        do {
            let completed = try SocketIOVectorFile.assemble(vector.messages)
            Issue.record("Expected: \(vector.error). Actual: \(completed)")
        } catch {
            #expect(error.code == vector.error, "\(error.description)")
        }
    }

    @Test func tracksPendingAttachments() throws {
        var assembler = SocketIOBinaryAssembler()
        #expect(!assembler.isAwaitingAttachments)
        let packet = try SocketIOPacket.decode(#"52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#)
        #expect(try assembler.onPacket(packet) == nil)
        #expect(assembler.remainingAttachments == 2)
        #expect(try assembler.onBinaryMessage([1]) == nil)
        #expect(assembler.remainingAttachments == 1)
        assembler.reset()
        #expect(!assembler.isAwaitingAttachments)
        #expect(throws: SocketIOParseError.unexpectedBinaryMessage) { try assembler.onBinaryMessage([2]) }
    }

    @Test func passesNonBinaryPacketsThrough() throws {
        var assembler = SocketIOBinaryAssembler()
        let packet = SocketIOPacket.event("hello")
        #expect(try assembler.onPacket(packet) == SocketIOBinaryPacket(packet: packet, attachments: []))
    }
}
