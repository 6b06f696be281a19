/// Why received WebSocket bytes fail the connection, each mapped to the close code to send.
///
/// RFC 6455 §7.1.7 ("Fail the WebSocket Connection") and §7.4.1 (status codes).
public enum WebSocketProtocolError: Error, Sendable, Hashable {
    /// RSV1, RSV2 or RSV3 set while no extension was negotiated (RFC 6455 §5.2). The value holds the
    /// three bits as sent (RSV1 = 4, RSV2 = 2, RSV3 = 1).
    case reservedBitsSet(UInt8)
    /// Opcode 3–7 or 0xB–0xF (RFC 6455 §5.2: "If an unknown opcode is received, the receiving endpoint
    /// MUST _Fail the WebSocket Connection_").
    case unknownOpcode(UInt8)
    /// A control frame whose 7-bit length field is over 125 (RFC 6455 §5.5). The value is that field.
    case controlFrameTooLong(opcode: WebSocketOpcode, lengthField: UInt8)
    /// A control frame without FIN (RFC 6455 §5.5: "Control frames MUST NOT be fragmented").
    case fragmentedControlFrame(WebSocketOpcode)
    /// A server received an unmasked frame (RFC 6455 §5.1: "The server MUST close the connection upon
    /// receiving a frame that is not masked").
    case unmaskedFrameFromClient
    /// A client received a masked frame (RFC 6455 §5.1: "A client MUST close a connection if it detects
    /// a masked frame").
    case maskedFrameFromServer
    /// A 64-bit payload length with the most significant bit set (RFC 6455 §5.2).
    case lengthHighBitSet
    /// A payload length in more bytes than needed (RFC 6455 §5.2: "the minimal number of bytes MUST be
    /// used to encode the length"); refused unless the parser allows it.
    case nonMinimalLength(UInt64)
    /// A frame whose declared payload is larger than the limit (detected from the header).
    case frameTooLarge(length: UInt64, limit: Int)
    /// A message whose reassembled size would exceed the limit (detected from each frame header).
    case messageTooLarge(limit: Int)
    /// A continuation frame with no fragmented message in progress (RFC 6455 §5.4).
    case continuationWithoutStart
    /// A text or binary frame while a fragmented message is still in progress (RFC 6455 §5.4).
    case dataFrameDuringFragmentedMessage(WebSocketOpcode)
    /// A text message that is not valid UTF-8 (RFC 6455 §8.1), detected at the first bad byte.
    case invalidUTF8InText
    /// A close frame with a 1-byte payload (RFC 6455 §5.5.1: a body starts with a 2-byte code).
    case closePayloadTooShort
    /// A close code that must not appear on the wire (RFC 6455 §7.4).
    case invalidCloseCode(UInt16)
    /// A close reason that is not valid UTF-8 (RFC 6455 §5.5.1).
    case invalidUTF8InCloseReason

    /// The status code to put in the close frame sent in answer.
    ///
    /// RFC 6455 §7.4.1: 1002 protocol error, 1007 inconsistent data, 1009 too big.
    public var closeCode: UInt16 {
        switch self {
        case .invalidUTF8InText, .invalidUTF8InCloseReason:
            WebSocketCloseCode.invalidPayloadData
        case .frameTooLarge, .messageTooLarge:
            WebSocketCloseCode.messageTooBig
        case .reservedBitsSet, .unknownOpcode, .controlFrameTooLong, .fragmentedControlFrame,
            .unmaskedFrameFromClient, .maskedFrameFromServer, .lengthHighBitSet, .nonMinimalLength,
            .continuationWithoutStart, .dataFrameDuringFragmentedMessage, .closePayloadTooShort,
            .invalidCloseCode:
            WebSocketCloseCode.protocolError
        }
    }
}
