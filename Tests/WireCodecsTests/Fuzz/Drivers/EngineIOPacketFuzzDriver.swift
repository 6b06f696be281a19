import WireCodecs

/// Fuzz target `engineio-packet`: `EngineIOPacket.decode(text:)` on one WebSocket text message.
///
/// Engine.IO v4 "Packet encoding". The input, read as UTF-8 (invalid sequences replaced, as a
/// WebSocket text frame never carries them), is decoded. Invariant: a decoded packet encodes to
/// text that decodes to the same packet.
enum EngineIOPacketFuzzDriver {
    static func run(_ input: [UInt8]) -> [String] {
        var check = FuzzCheck()
        _ = EngineIOPacket.decode(binary: input)
        guard let packet = try? EngineIOPacket.decode(text: String(decoding: input, as: UTF8.self)) else { return [] }
        let encoded = packet.encodedText()
        let again = Result { () throws(EngineIOParseError) in try EngineIOPacket.decode(text: encoded) }
        check.expect(again == .success(packet), "engineio-packet round trip: \(packet) encoded as \(encoded) decoded as \(again)")
        return check.findings
    }
}
