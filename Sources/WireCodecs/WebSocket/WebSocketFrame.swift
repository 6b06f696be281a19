/// One WebSocket frame: header fields plus the payload, already unmasked.
///
/// RFC 6455 §5.2 (base framing protocol). The parser fills `maskingKey` with the key seen on the wire;
/// `payload` is always the application data, never the masked bytes.
public struct WebSocketFrame: Sendable, Hashable {
    /// FIN: this is the last frame of a message.
    public var isFinal: Bool
    /// RSV1 (used by extensions such as permessage-deflate; must be clear without one).
    public var rsv1: Bool
    /// RSV2 (must be clear without an extension).
    public var rsv2: Bool
    /// RSV3 (must be clear without an extension).
    public var rsv3: Bool
    public var opcode: WebSocketOpcode
    /// The 4-byte masking key, or nil for an unmasked frame (RFC 6455 §5.3).
    public var maskingKey: [UInt8]?
    /// The application data, unmasked.
    public var payload: [UInt8]

    public init(
        isFinal: Bool = true,
        rsv1: Bool = false,
        rsv2: Bool = false,
        rsv3: Bool = false,
        opcode: WebSocketOpcode,
        maskingKey: [UInt8]? = nil,
        payload: [UInt8] = []
    ) {
        self.isFinal = isFinal
        self.rsv1 = rsv1
        self.rsv2 = rsv2
        self.rsv3 = rsv3
        self.opcode = opcode
        self.maskingKey = maskingKey
        self.payload = payload
    }

    /// The three reserved bits as one value: RSV1 = 4, RSV2 = 2, RSV3 = 1.
    public var reservedBits: UInt8 {
        (rsv1 ? 4 : 0) | (rsv2 ? 2 : 0) | (rsv3 ? 1 : 0)
    }

    /// The frame's wire bytes, masked with `maskingKey` if given, else with the frame's own
    /// `maskingKey`, else unmasked. Lengths use the minimal encoding (7, 16 or 64 bits).
    ///
    /// RFC 6455 §5.2 and §5.3. A masking key must be exactly 4 bytes (a programming error otherwise).
    public func serialized(maskingKey: [UInt8]? = nil) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(payload.count + 14)
        append(to: &bytes, maskingKey: maskingKey)
        return bytes
    }

    /// Appends the frame's wire bytes to `buffer`; same masking rule as `serialized(maskingKey:)`.
    public func append(to buffer: inout [UInt8], maskingKey: [UInt8]? = nil) {
        let key = maskingKey ?? self.maskingKey
        Self.appendHeader(
            isFinal: isFinal,
            reservedBits: reservedBits,
            opcode: opcode,
            payloadLength: payload.count,
            maskingKey: key,
            to: &buffer
        )
        let payloadStart = buffer.count
        buffer.append(contentsOf: payload)
        if let key { Self.applyMask(key, to: &buffer, from: payloadStart) }
    }

    /// Appends a frame header: FIN/RSV/opcode byte, MASK bit and minimal length, then the key if any.
    ///
    /// RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length".
    static func appendHeader(
        isFinal: Bool,
        reservedBits: UInt8 = 0,
        opcode: WebSocketOpcode,
        payloadLength: Int,
        maskingKey: [UInt8]?,
        to buffer: inout [UInt8]
    ) {
        precondition(maskingKey == nil || maskingKey?.count == 4, "a WebSocket masking key is 4 bytes")
        buffer.append((isFinal ? 0x80 : 0) | (reservedBits & 0x7) << 4 | opcode.rawValue)
        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        if payloadLength <= 125 {
            buffer.append(maskBit | UInt8(payloadLength))
        } else if payloadLength <= 0xFFFF {
            buffer.append(maskBit | 126)
            buffer.append(UInt8(truncatingIfNeeded: payloadLength >> 8))
            buffer.append(UInt8(truncatingIfNeeded: payloadLength))
        } else {
            buffer.append(maskBit | 127)
            let length = UInt64(payloadLength)
            for shift in stride(from: 56, through: 0, by: -8) {
                buffer.append(UInt8(truncatingIfNeeded: length >> UInt64(shift)))
            }
        }
        if let maskingKey { buffer.append(contentsOf: maskingKey) }
    }

    /// XORs `buffer[start...]` with the repeating 4-byte key (RFC 6455 §5.3); the same call unmasks.
    static func applyMask(_ key: [UInt8], to buffer: inout [UInt8], from start: Int) {
        guard key.count == 4, start < buffer.count else { return }
        let key0 = key[0], key1 = key[1], key2 = key[2], key3 = key[3]
        buffer.withUnsafeMutableBufferPointer { bytes in
            var index = start
            let end = bytes.count
            while index + 4 <= end {
                bytes[index] ^= key0
                bytes[index + 1] ^= key1
                bytes[index + 2] ^= key2
                bytes[index + 3] ^= key3
                index += 4
            }
            var keyIndex = 0
            while index < end {
                bytes[index] ^= keyIndex == 0 ? key0 : keyIndex == 1 ? key1 : key2
                keyIndex += 1
                index += 1
            }
        }
    }
}
