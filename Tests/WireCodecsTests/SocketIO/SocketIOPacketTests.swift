import Testing
@testable import WireCodecs

/// Socket.IO v5 "Packet encoding", driven by `Spec/vectors/socketio.json`.
@Suite struct SocketIOPacketTests {
    @Test(arguments: try SocketIOVectorFile.load().packets)
    func decodesAndEncodesPackets(vector: SocketIOVectorFile.PacketCase) throws {
        let expected = try vector.packet.packet()
        let decoded = try SocketIOPacket.decode(vector.text)
        #expect(decoded == expected)
        #expect(expected.encoded() == vector.text)
        #expect(try SocketIOPacket.decode(decoded.encoded()) == decoded)
    }

    @Test(arguments: try SocketIOVectorFile.load().decodeOnly)
    func decodesNonCanonicalText(vector: SocketIOVectorFile.DecodeOnlyCase) throws {
        let decoded = try SocketIOPacket.decode(vector.text)
        #expect(decoded == (try vector.packet.packet()))
        #expect(decoded.encoded() == vector.encoded)
    }

    @Test(arguments: try SocketIOVectorFile.load().malformed)
    func refusesMalformedPackets(vector: SocketIOVectorFile.MalformedCase) {
        do {
            let packet = try SocketIOPacket.decode(vector.text)
            Issue.record("Expected: \(vector.error). Actual: \(packet)")
        } catch {
            #expect(error.code == vector.error, "\(error.description)")
        }
    }

    @Test func malformedVectorsAreNumerous() throws {
        #expect(try SocketIOVectorFile.load().malformed.count >= 15)
    }

    @Test func limitsAreConfigurable() throws {
        var limits = WireLimits.standard
        limits.socketIOMaxAttachments = 2
        #expect(try SocketIOPacket.decode(#"52-["a"]"#, limits: limits).attachmentCount == 2)
        #expect(throws: SocketIOParseError.tooManyAttachments(limit: 2)) { try SocketIOPacket.decode(#"53-["a"]"#, limits: limits) }
        limits.jsonMaxDepth = 1
        #expect(throws: SocketIOParseError.invalidJSON(JSONParseError(.depthLimitExceeded(limit: 1), offset: 5))) {
            try SocketIOPacket.decode(#"2["a",[1]]"#, limits: limits)
        }
    }

    @Test func largestAckIDIsAccepted() throws {
        #expect(try SocketIOPacket.decode(#"29007199254740991["a"]"#).ackID == SocketIOPacket.maxAckID)
    }

    @Test func eventConveniences() throws {
        let packet = SocketIOPacket.event("join", [.string("alice")], namespace: "/chat", ackID: 3)
        #expect(packet.encoded() == #"2/chat,3["join","alice"]"#)
        #expect(packet.eventName == "join")
        #expect(packet.eventArguments == [.string("alice")])
        let ack = SocketIOPacket.ack([.number(1)], ackID: 3)
        #expect(ack.encoded() == "33[1]")
        #expect(ack.eventName == nil)
        #expect(ack.eventArguments == [.number(1)])
        #expect(SocketIOPacket.connect(data: .object([JSONMember("sid", .string("s"))])).encoded() == #"0{"sid":"s"}"#)
        #expect(SocketIOPacket.connectError(message: "Not authorized").encoded() == #"4{"message":"Not authorized"}"#)
        #expect(SocketIOPacket.disconnect(namespace: "/admin").encoded() == "1/admin,")
        #expect(try SocketIOPacket.decode(#"2[1,"x"]"#).eventName == nil)
        #expect(SocketIOPacket.connect().eventArguments.isEmpty)
    }

    @Test(arguments: try SocketIOVectorFile.load().packets)
    func truncatedPacketsNeverCrash(vector: SocketIOVectorFile.PacketCase) {
        // Every prefix either decodes or throws a typed error; decoding must simply not trap.
        let bytes = Array(vector.text.utf8)
        var refused = 0
        for length in 0..<bytes.count {
            let prefix = String(decoding: bytes[0..<length], as: UTF8.self)
            do { _ = try SocketIOPacket.decode(prefix) } catch { refused += 1 }
        }
        #expect(refused >= 1, "at least the empty prefix is refused")
    }
}
