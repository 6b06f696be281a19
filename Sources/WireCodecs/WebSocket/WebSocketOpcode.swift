/// The 4-bit frame opcode.
///
/// RFC 6455 §5.2 ("Opcode") and §11.8. Values 3–7 and 0xB–0xF are reserved; a frame carrying one
/// fails the connection (`WebSocketProtocolError.unknownOpcode`).
public enum WebSocketOpcode: UInt8, Sendable, Hashable, CaseIterable {
    /// 0x0: a continuation of a fragmented text or binary message.
    case continuation = 0x0
    /// 0x1: the first (or only) frame of a text message.
    case text = 0x1
    /// 0x2: the first (or only) frame of a binary message.
    case binary = 0x2
    /// 0x8: connection close (RFC 6455 §5.5.1).
    case close = 0x8
    /// 0x9: ping (RFC 6455 §5.5.2).
    case ping = 0x9
    /// 0xA: pong (RFC 6455 §5.5.3).
    case pong = 0xA

    /// True for close, ping and pong: opcodes with the high bit set (RFC 6455 §5.5).
    public var isControl: Bool { rawValue & 0x8 != 0 }
}
