/// Incremental WebSocket frame parser: feed bytes as they arrive, take whole frames out.
///
/// RFC 6455 §5.2 (base framing), §5.1 and §5.3 (masking), §5.5 (control frames). Every header rule is
/// checked as soon as the header bytes are present, and the declared length is checked against
/// `maxFrameSize` before any payload is waited for, so a peer cannot make the parser buffer an oversized
/// frame. After an error the parser stays failed: every later `nextFrame()` throws the same error.
///
/// Non-minimal length encodings (e.g. a 16-bit length under 126) break a sender MUST in §5.2; the
/// receiver rules do not say what to do with them. This parser refuses them (1002) by default, so the
/// reference server and the conformance kit flag a peer that breaks the MUST; pass
/// `allowsNonMinimalLengths: true` to accept them.
public struct WebSocketFrameParser: Sendable {
    /// The role of the endpoint that receives these frames; decides the masking rule.
    public let role: WebSocketRole
    /// Largest payload accepted in one frame, in bytes.
    public let maxFrameSize: Int
    /// Whether lengths encoded in more bytes than needed are accepted.
    public let allowsNonMinimalLengths: Bool

    /// Received bytes; those before `readIndex` are consumed and dropped in `append` when worthwhile.
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var failure: WebSocketProtocolError?

    /// A parser for frames received by `role`.
    ///
    /// - Parameter maxFrameSize: default `WireLimits.standard.webSocketMaxFrameSize` (1 MB).
    public init(
        role: WebSocketRole,
        maxFrameSize: Int = WireLimits.standard.webSocketMaxFrameSize,
        allowsNonMinimalLengths: Bool = false
    ) {
        self.role = role
        self.maxFrameSize = max(0, maxFrameSize)
        self.allowsNonMinimalLengths = allowsNonMinimalLengths
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// The error the parser failed with, if any.
    public var error: WebSocketProtocolError? { failure }

    /// Adds received bytes. Ignored once the parser has failed.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        guard failure == nil else { return }
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex >= 4096 && readIndex >= buffer.count / 2 {
            // Drop consumed bytes only when they are at least half the buffer: amortised O(1) per byte.
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame, or nil when more bytes are needed.
    public mutating func nextFrame() throws(WebSocketProtocolError) -> WebSocketFrame? {
        try nextFrame(dataPayloadLimit: nil)
    }

    /// As `nextFrame()`, also refusing a text, binary or continuation frame whose declared length is over
    /// `dataPayloadLimit` (the room left in the message being reassembled) with `.messageTooLarge`.
    mutating func nextFrame(dataPayloadLimit: (remaining: Int, messageLimit: Int)?) throws(WebSocketProtocolError) -> WebSocketFrame? {
        if let failure { throw failure }
        do {
            return try parseFrame(dataPayloadLimit: dataPayloadLimit)
        } catch {
            failure = error
            buffer = []
            readIndex = 0
            throw error
        }
    }

    private mutating func parseFrame(dataPayloadLimit: (remaining: Int, messageLimit: Int)?) throws(WebSocketProtocolError) -> WebSocketFrame? {
        let available = buffer.count - readIndex
        guard available >= 2 else { return nil }
        let firstByte = buffer[readIndex]
        let secondByte = buffer[readIndex + 1]

        let isFinal = firstByte & 0x80 != 0
        // §5.2 RSV1-3: "MUST be 0 unless an extension is negotiated that defines meanings for non-zero
        // values. If a nonzero value is received and none of the negotiated extensions defines the meaning
        // of such a nonzero value, the receiving endpoint MUST _Fail the WebSocket Connection_."
        let reservedBits = (firstByte >> 4) & 0x7
        guard reservedBits == 0 else { throw .reservedBitsSet(reservedBits) }
        // §5.2 Opcode: "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket
        // Connection_."
        guard let opcode = WebSocketOpcode(rawValue: firstByte & 0x0F) else { throw .unknownOpcode(firstByte & 0x0F) }
        let lengthField = secondByte & 0x7F
        if opcode.isControl {
            // §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be
            // fragmented."
            guard isFinal else { throw .fragmentedControlFrame(opcode) }
            guard lengthField <= 125 else { throw .controlFrameTooLong(opcode: opcode, lengthField: lengthField) }
        }
        // §5.1: "The server MUST close the connection upon receiving a frame that is not masked." /
        // "A client MUST close a connection if it detects a masked frame."
        let isMasked = secondByte & 0x80 != 0
        switch role {
        case .server: guard isMasked else { throw .unmaskedFrameFromClient }
        case .client: guard !isMasked else { throw .maskedFrameFromServer }
        }

        // §5.2 Payload length: 7 bits, or 126 + 16 bits, or 127 + 64 bits (most significant bit 0).
        var headerLength = 2
        let length: UInt64
        switch lengthField {
        case 126:
            guard available >= 4 else { return nil }
            length = UInt64(buffer[readIndex + 2]) << 8 | UInt64(buffer[readIndex + 3])
            headerLength = 4
            if !allowsNonMinimalLengths && length < 126 { throw .nonMinimalLength(length) }
        case 127:
            guard available >= 10 else { return nil }
            var value: UInt64 = 0
            for offset in 2..<10 { value = value << 8 | UInt64(buffer[readIndex + offset]) }
            guard value & (1 << 63) == 0 else { throw .lengthHighBitSet }
            length = value
            headerLength = 10
            if !allowsNonMinimalLengths && length <= 0xFFFF { throw .nonMinimalLength(length) }
        default:
            length = UInt64(lengthField)
        }
        guard length <= UInt64(maxFrameSize) else { throw .frameTooLarge(length: length, limit: maxFrameSize) }
        if let dataPayloadLimit, !opcode.isControl, length > UInt64(max(0, dataPayloadLimit.remaining)) {
            throw .messageTooLarge(limit: dataPayloadLimit.messageLimit)
        }
        // `length` fits in Int now (it is at most maxFrameSize).
        let payloadLength = Int(length)

        let keyLength = isMasked ? 4 : 0
        guard available - headerLength - keyLength >= payloadLength else { return nil }
        let keyStart = readIndex + headerLength
        let payloadStart = keyStart + keyLength
        let payloadEnd = payloadStart + payloadLength
        var payload = Array(buffer[payloadStart..<payloadEnd])
        var maskingKey: [UInt8]?
        if isMasked {
            let key = Array(buffer[keyStart..<payloadStart])
            WebSocketFrame.applyMask(key, to: &payload, from: 0)
            maskingKey = key
        }
        readIndex = payloadEnd
        return WebSocketFrame(isFinal: isFinal, opcode: opcode, maskingKey: maskingKey, payload: payload)
    }
}
