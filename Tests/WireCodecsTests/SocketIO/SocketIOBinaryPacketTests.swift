import Testing
@testable import WireCodecs

/// Building binary packets from arguments (Socket.IO v5 "Packet encoding", binary attachments extracted).
@Suite struct SocketIOBinaryPacketTests {
    @Test func buildsTheDocumentedBinaryEvent() {
        let packet = SocketIOBinaryPacket.binaryEvent("baz", [.binary([1, 2]), .binary([3, 4])], namespace: "/admin")
        #expect(packet.packet.encoded() == #"52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#)
        #expect(packet.attachments == [[1, 2], [3, 4]])
        #expect(packet.eventArguments == [.binary([1, 2]), .binary([3, 4])])
        #expect(packet.packet.eventName == "baz")
    }

    @Test func buildsTheDocumentedBinaryAck() {
        let packet = SocketIOBinaryPacket.binaryAck([.json(.string("bar")), .binary([1, 2, 3, 4])], ackID: 15)
        #expect(packet.engineIOPackets() == [
            .message(#"61-15["bar",{"_placeholder":true,"num":0}]"#),
            .binaryMessage([1, 2, 3, 4]),
        ])
        #expect(packet.eventArguments == [.json(.string("bar")), .binary([1, 2, 3, 4])])
    }

    @Test func roundTripsThroughTheAssembler() throws {
        let original = SocketIOBinaryPacket.binaryEvent("upload", [.json(.number(7)), .binary([9, 9])], ackID: 4)
        var assembler = SocketIOBinaryAssembler()
        var completed: SocketIOBinaryPacket?
        for message in original.engineIOPackets() {
            switch message {
            case .message(let text): completed = try assembler.onPacket(try SocketIOPacket.decode(text))
            case .binaryMessage(let bytes): completed = try assembler.onBinaryMessage(bytes)
            default: Issue.record("unexpected \(message)")
            }
        }
        #expect(completed == original)
    }
}
