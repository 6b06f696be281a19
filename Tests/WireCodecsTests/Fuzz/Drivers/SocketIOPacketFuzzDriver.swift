import WireCodecs

/// Fuzz target `socketio-packet`: `SocketIOPacket.decode` and `SocketIOBinaryAssembler` over a
/// sequence of Engine.IO messages.
///
/// Socket.IO v5 "Packet encoding". The input is cut at each 0x1E into messages; a message starting
/// with `b` is a binary message (the bytes after the `b`), any other is a text packet (read as
/// UTF-8). Invariants: a decoded packet encodes to text that decodes to the same packet; a packet
/// the assembler completes has exactly the attachments it announced.
enum SocketIOPacketFuzzDriver {
    static func run(_ input: [UInt8]) -> [String] {
        var check = FuzzCheck()
        var assembler = SocketIOBinaryAssembler()
        for message in input.split(separator: 0x1E, omittingEmptySubsequences: false) {
            let completed: SocketIOBinaryPacket?
            do throws(SocketIOParseError) {
                if message.first == 0x62 {
                    completed = try assembler.onBinaryMessage(Array(message.dropFirst()))
                } else {
                    let packet = try SocketIOPacket.decode(String(decoding: message, as: UTF8.self))
                    let encoded = packet.encoded()
                    let again = Result { () throws(SocketIOParseError) in try SocketIOPacket.decode(encoded) }
                    check.expect(
                        again == .success(packet), "socketio-packet round trip: \(packet) encoded as \(encoded) decoded as \(again)")
                    completed = try assembler.onPacket(packet)
                }
            } catch {
                assembler.reset()
                continue
            }
            guard let completed else { continue }
            check.expect(
                completed.attachments.count == completed.packet.attachmentCount,
                "socketio-packet: \(completed.attachments.count) attachments for \(completed.packet.attachmentCount) announced")
            _ = completed.eventArguments
            _ = completed.engineIOPackets()
        }
        return check.findings
    }
}
