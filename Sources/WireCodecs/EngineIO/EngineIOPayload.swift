/// The HTTP long-polling body: packets joined by the record separator 0x1E (Engine.IO v4
/// "Packet encoding", "HTTP long-polling").
///
/// Text packets appear in their text form; binary messages as `b` followed by padded base64.
/// The separator is not escaped: a text packet must not contain U+001E (the reference
/// implementation has the same limitation).
public enum EngineIOPayload {
    /// The record separator between packets.
    public static let separator: UInt8 = 0x1E

    /// Encodes packets into one polling body, e.g. `4hello\u{1E}2\u{1E}bAQIDBA==`.
    public static func encode(_ packets: [EngineIOPacket]) -> [UInt8] {
        var buffer = [UInt8]()
        buffer.reserveCapacity(packets.count * 16)
        for (position, packet) in packets.enumerated() {
            if position > 0 { buffer.append(separator) }
            packet.appendEncodedText(to: &buffer)
        }
        return buffer
    }

    /// Decodes a polling body, checking its size against `maxPayload` before anything else.
    ///
    /// Errors: `.payloadTooLarge` (over `maxPayload` bytes), `.emptyPayload`, `.invalidUTF8`,
    /// `.emptyPacket` (an empty record, e.g. a trailing separator), `.unknownPacketType`,
    /// `.unexpectedData`, `.invalidOpenPayload`, `.invalidBase64`.
    public static func decode(_ bytes: [UInt8], maxPayload: Int) throws(EngineIOParseError) -> [EngineIOPacket] {
        guard bytes.count <= maxPayload else { throw .payloadTooLarge(size: bytes.count, limit: maxPayload) }
        guard !bytes.isEmpty else { throw .emptyPayload }
        return try bytes.withUnsafeBufferPointer { buffer -> Result<[EngineIOPacket], EngineIOParseError> in
            if let offset = UTF8Validator.firstInvalidOffset(in: buffer) { return .failure(.invalidUTF8(offset: offset)) }
            var packets: [EngineIOPacket] = []
            var recordStart = 0
            var index = 0
            while index <= buffer.count {
                if index == buffer.count || buffer[index] == separator {
                    let record = UnsafeBufferPointer(rebasing: buffer[recordStart..<index])
                    switch EngineIOPacket.decode(textBuffer: record, allowsBase64: true, packetIndex: packets.count) {
                    case .success(let packet): packets.append(packet)
                    case .failure(let error): return .failure(error)
                    }
                    recordStart = index + 1
                }
                index += 1
            }
            return .success(packets)
        }.get()
    }
}
