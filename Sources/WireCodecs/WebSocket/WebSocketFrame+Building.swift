/// Builders that write one whole unfragmented frame straight into an output buffer (the send hot path:
/// no intermediate `WebSocketFrame` and no payload copy beyond the one into `buffer`).
///
/// RFC 6455 §5.2; a server passes no masking key, a client passes a fresh random key per frame (§5.3).
extension WebSocketFrame {
    /// Appends a final frame with any opcode and payload.
    public static func appendFrame(
        opcode: WebSocketOpcode,
        isFinal: Bool = true,
        payload: some Collection<UInt8>,
        maskingKey: [UInt8]? = nil,
        to buffer: inout [UInt8]
    ) {
        appendHeader(isFinal: isFinal, opcode: opcode, payloadLength: payload.count, maskingKey: maskingKey, to: &buffer)
        let payloadStart = buffer.count
        buffer.append(contentsOf: payload)
        if let maskingKey { applyMask(maskingKey, to: &buffer, from: payloadStart) }
    }

    /// Appends a final unmasked frame whose payload `writePayload` appends straight into `buffer`;
    /// it must append exactly `payloadLength` bytes (checked). For payloads assembled from parts
    /// (e.g. an Engine.IO type byte and a Socket.IO text) without a separate payload buffer.
    public static func appendFrame(
        opcode: WebSocketOpcode, payloadLength: Int, to buffer: inout [UInt8], writePayload: (inout [UInt8]) -> Void
    ) {
        appendHeader(isFinal: true, opcode: opcode, payloadLength: payloadLength, maskingKey: nil, to: &buffer)
        let payloadStart = buffer.count
        writePayload(&buffer)
        precondition(buffer.count - payloadStart == payloadLength, "the payload written differs from the announced length")
    }

    /// Appends a text frame; `utf8` must be valid UTF-8 (e.g. `string.utf8`).
    public static func appendText(_ utf8: some Collection<UInt8>, maskingKey: [UInt8]? = nil, to buffer: inout [UInt8]) {
        appendFrame(opcode: .text, payload: utf8, maskingKey: maskingKey, to: &buffer)
    }

    /// Appends a text frame carrying `text`.
    public static func appendText(_ text: String, maskingKey: [UInt8]? = nil, to buffer: inout [UInt8]) {
        appendFrame(opcode: .text, payload: text.utf8, maskingKey: maskingKey, to: &buffer)
    }

    /// Appends a binary frame.
    public static func appendBinary(_ bytes: some Collection<UInt8>, maskingKey: [UInt8]? = nil, to buffer: inout [UInt8]) {
        appendFrame(opcode: .binary, payload: bytes, maskingKey: maskingKey, to: &buffer)
    }

    /// Appends a ping; the data is cut to 125 bytes, the control frame maximum (RFC 6455 §5.5).
    public static func appendPing(_ data: some Collection<UInt8> = [UInt8](), maskingKey: [UInt8]? = nil, to buffer: inout [UInt8]) {
        appendFrame(opcode: .ping, payload: data.prefix(125), maskingKey: maskingKey, to: &buffer)
    }

    /// Appends a pong; the data is cut to 125 bytes (RFC 6455 §5.5.3: echo the ping's data).
    public static func appendPong(_ data: some Collection<UInt8> = [UInt8](), maskingKey: [UInt8]? = nil, to buffer: inout [UInt8]) {
        appendFrame(opcode: .pong, payload: data.prefix(125), maskingKey: maskingKey, to: &buffer)
    }

    /// Appends a close frame; `code` nil sends an empty body, the reason is cut to 123 bytes at a code
    /// point boundary (RFC 6455 §5.5.1).
    public static func appendClose(code: UInt16?, reason: String = "", maskingKey: [UInt8]? = nil, to buffer: inout [UInt8]) {
        appendFrame(
            opcode: .close,
            payload: WebSocketCloseCode.payload(code: code, reason: reason),
            maskingKey: maskingKey,
            to: &buffer
        )
    }

    /// Four random bytes for a client frame's masking key (RFC 6455 §5.3: "unpredictable").
    public static func makeMaskingKey(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        let value = generator.next() as UInt32
        return [
            UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
            UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value),
        ]
    }
}
