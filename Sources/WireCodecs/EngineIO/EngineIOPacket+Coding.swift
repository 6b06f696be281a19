extension EngineIOPacket {
    /// The text form of the packet: `<type digit>[<data>]` (Engine.IO v4 "Packet encoding").
    ///
    /// `0{...}` carries the open payload as JSON. A `binaryMessage` has no text form on a
    /// WebSocket (it goes out as a binary frame, bytes as is); here it is given its polling form,
    /// `b<base64>`.
    public func encodedText() -> String {
        var buffer = [UInt8]()
        appendEncodedText(to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends the UTF-8 text form of the packet (see `encodedText()`).
    public func appendEncodedText(to buffer: inout [UInt8]) {
        switch self {
        case .open(let payload):
            buffer.append(0x30)
            payload.appendJSON(to: &buffer)
        case .close:
            buffer.append(0x31)
        case .ping(let data):
            buffer.append(0x32)
            buffer.append(contentsOf: data.utf8)
        case .pong(let data):
            buffer.append(0x33)
            buffer.append(contentsOf: data.utf8)
        case .message(let data):
            buffer.append(0x34)
            buffer.append(contentsOf: data.utf8)
        case .binaryMessage(let bytes):
            buffer.append(0x62)
            buffer.append(contentsOf: Base64.encode(bytes).utf8)
        case .upgrade:
            buffer.append(0x35)
        case .noop:
            buffer.append(0x36)
        }
    }

    /// Whether this is a binary message (sent as a WebSocket binary frame).
    public var isBinary: Bool {
        if case .binaryMessage = self { true } else { false }
    }

    /// Decodes a text packet, as carried by a WebSocket text frame (Engine.IO v4 "Packet encoding").
    ///
    /// `b` is not a packet type here: on a WebSocket, binary data travels in binary frames.
    public static func decode(text: String) throws(EngineIOParseError) -> EngineIOPacket {
        var text = text
        return try text.withUTF8 { decode(textBuffer: $0, allowsBase64: false, packetIndex: 0) }.get()
    }

    /// Decodes a WebSocket binary frame: always a binary message, bytes as is (Engine.IO v4).
    public static func decode(binary: [UInt8]) -> EngineIOPacket {
        .binaryMessage(binary)
    }

    /// Decodes one packet from already validated UTF-8; `b<base64>` is accepted only in payloads.
    static func decode(textBuffer bytes: UnsafeBufferPointer<UInt8>, allowsBase64: Bool, packetIndex: Int) -> Result<EngineIOPacket, EngineIOParseError> {
        guard let type = bytes.first else { return .failure(.emptyPacket) }
        let data = UnsafeBufferPointer(rebasing: bytes[1...])
        func text() -> String { String(decoding: data, as: UTF8.self) }
        switch type {
        case 0x30:
            switch EngineIOOpenPayload.decode(json: data) {
            case .success(let payload): return .success(.open(payload))
            case .failure(let error): return .failure(error)
            }
        case 0x31, 0x35, 0x36:
            guard data.isEmpty else { return .failure(.unexpectedData(packetType: type)) }
            return .success(type == 0x31 ? .close : type == 0x35 ? .upgrade : .noop)
        case 0x32: return .success(.ping(text()))
        case 0x33: return .success(.pong(text()))
        case 0x34: return .success(.message(text()))
        case 0x62 where allowsBase64:
            guard let decoded = Base64.decode(text()) else { return .failure(.invalidBase64(packetIndex: packetIndex)) }
            return .success(.binaryMessage(decoded))
        default:
            return .failure(.unknownPacketType(type))
        }
    }
}
