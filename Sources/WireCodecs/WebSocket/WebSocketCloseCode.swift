/// Close status codes and the close frame payload format.
///
/// RFC 6455 §7.4 (status codes) and §5.5.1 (close payload: a 2-byte big-endian code, then UTF-8 reason).
public enum WebSocketCloseCode {
    /// 1000: the purpose of the connection has been fulfilled.
    public static let normalClosure: UInt16 = 1000
    /// 1001: the endpoint is going away (server shutdown, page navigation).
    public static let goingAway: UInt16 = 1001
    /// 1002: protocol error.
    public static let protocolError: UInt16 = 1002
    /// 1003: a data type the endpoint cannot accept.
    public static let unsupportedData: UInt16 = 1003
    /// 1005: reserved, never on the wire: "no status code was present".
    public static let noStatusReceived: UInt16 = 1005
    /// 1006: reserved, never on the wire: the connection closed without a close frame.
    public static let abnormalClosure: UInt16 = 1006
    /// 1007: data inconsistent with the message type (e.g. non-UTF-8 text).
    public static let invalidPayloadData: UInt16 = 1007
    /// 1008: a message violates the endpoint's policy.
    public static let policyViolation: UInt16 = 1008
    /// 1009: a message too big to process.
    public static let messageTooBig: UInt16 = 1009
    /// 1010: (client) the server did not negotiate a required extension.
    public static let mandatoryExtension: UInt16 = 1010
    /// 1011: (server) an unexpected condition prevented fulfilling the request.
    public static let internalError: UInt16 = 1011
    /// 1015: reserved, never on the wire: TLS handshake failure.
    public static let tlsHandshakeFailure: UInt16 = 1015

    /// The largest close reason that fits a control frame: 125 bytes minus the 2-byte code.
    public static let maxReasonByteCount = 123

    /// True when `code` may appear in a close frame.
    ///
    /// RFC 6455 §7.4.1–7.4.2: 1000–1003 and 1007–1011 are defined by the RFC; 1012–1014 were
    /// registered later in the IANA "WebSocket Close Code Number Registry" (service restart, try again
    /// later, bad gateway); 3000–3999 are registered by libraries and 4000–4999 are private use.
    /// 0–999 are unused, 1004 is reserved, 1005/1006/1015 MUST NOT be sent, and 1016–2999 are reserved
    /// for future revisions; 5000 and above are undefined.
    public static func isValidOnWire(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }

    /// The close frame payload for `code` and `reason`; an empty payload when `code` is nil.
    ///
    /// RFC 6455 §5.5.1. The reason is cut to `maxReasonByteCount` bytes at a code point boundary so
    /// the frame stays a valid control frame.
    public static func payload(code: UInt16?, reason: String = "") -> [UInt8] {
        guard let code else { return [] }
        var payload: [UInt8] = [UInt8(truncatingIfNeeded: code >> 8), UInt8(truncatingIfNeeded: code)]
        payload.append(contentsOf: truncatedReason(reason))
        return payload
    }

    /// Parses a received close payload into its code and reason.
    ///
    /// RFC 6455 §5.5.1 and §7.4: a 1-byte payload is a protocol error (1002), a code not valid on
    /// the wire is a protocol error (1002), a reason that is not UTF-8 is invalid data (1007).
    public static func parsePayload(_ payload: [UInt8]) throws(WebSocketProtocolError) -> (code: UInt16?, reason: String) {
        if payload.isEmpty { return (nil, "") }
        guard payload.count >= 2 else { throw .closePayloadTooShort }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        guard isValidOnWire(code) else { throw .invalidCloseCode(code) }
        let reasonBytes = payload[2...]
        guard UTF8Validation.isValid(reasonBytes) else { throw .invalidUTF8InCloseReason }
        return (code, String(decoding: reasonBytes, as: UTF8.self))
    }

    /// The UTF-8 bytes of `reason`, cut to at most `maxReasonByteCount` bytes without splitting a
    /// code point.
    static func truncatedReason(_ reason: String) -> [UInt8] {
        var bytes = [UInt8]()
        for scalar in reason.unicodeScalars {
            let encoded = Array(String(scalar).utf8)
            guard bytes.count + encoded.count <= maxReasonByteCount else { break }
            bytes.append(contentsOf: encoded)
        }
        return bytes
    }
}
