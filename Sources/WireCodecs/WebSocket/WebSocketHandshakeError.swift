/// Why a WebSocket opening handshake is refused, with the HTTP answer a server sends for it.
///
/// RFC 6455 §4.2.1–4.2.2 (server reading the client's request) and §4.1 (client reading the
/// server's response).
public enum WebSocketHandshakeError: Error, Sendable, Hashable {
    // Server side: the client's opening handshake (§4.2.1).

    /// The method is not GET (§4.2.1 item 1).
    case methodNotGet(String)
    /// The request is older than HTTP/1.1 (§4.2.1 item 1).
    case httpVersionTooOld(HTTPVersion)
    /// No `Host` header field, or more than one (§4.2.1 item 2; RFC 9112 §3.2).
    case missingHost
    /// No `Upgrade` header field containing the token `websocket` (§4.2.1 item 3).
    case missingUpgradeWebSocket
    /// No `Connection` header field containing the token `Upgrade` (§4.2.1 item 4).
    case missingConnectionUpgrade
    /// No `Sec-WebSocket-Key` header field (§4.2.1 item 5).
    case missingKey
    /// A `Sec-WebSocket-Key` that is not the base64 of 16 bytes, or more than one (§4.2.1 item 5).
    case invalidKey(String)
    /// No `Sec-WebSocket-Version` header field (§4.2.1 item 6).
    case missingVersion
    /// A `Sec-WebSocket-Version` other than 13 (§4.2.1 item 6; answered with 426, §4.4).
    case unsupportedVersion(String)

    // Client side: the server's opening handshake (§4.1).

    /// The status is not 101 (§4.1, "If the status code received from the server is not 101").
    case unexpectedStatus(Int)
    /// The response's `Upgrade` is not `websocket` (§4.1 item 2).
    case responseMissingUpgradeWebSocket
    /// The response's `Connection` lacks the token `Upgrade` (§4.1 item 3).
    case responseMissingConnectionUpgrade
    /// The response's `Sec-WebSocket-Accept` is missing or wrong (§4.1 item 4).
    case invalidAccept(expected: String, received: String?)
    /// The response names an extension the client did not request (§4.1 item 5).
    case unrequestedExtension(String)
    /// The response names a subprotocol the client did not request (§4.1 item 6).
    case unrequestedSubprotocol(String)

    /// The HTTP status a server answers with: 426 for an unsupported version, else 400; nil for the
    /// client-side errors.
    public var responseStatus: Int? {
        switch self {
        case .unsupportedVersion: 426
        case .methodNotGet, .httpVersionTooOld, .missingHost, .missingUpgradeWebSocket,
            .missingConnectionUpgrade, .missingKey, .invalidKey, .missingVersion:
            400
        case .unexpectedStatus, .responseMissingUpgradeWebSocket, .responseMissingConnectionUpgrade,
            .invalidAccept, .unrequestedExtension, .unrequestedSubprotocol:
            nil
        }
    }

    /// The response head a server sends to refuse the upgrade (body and framing headers are the HTTP
    /// layer's concern); nil for the client-side errors.
    ///
    /// RFC 6455 §4.4: a version mismatch is answered with 426 and `Sec-WebSocket-Version: 13`.
    public var rejectionResponse: HTTPResponseHead? {
        guard let responseStatus else { return nil }
        var headers = HTTPHeaders()
        if responseStatus == 426 {
            headers.add(name: "Sec-WebSocket-Version", value: WebSocketHandshake.version)
        }
        return HTTPResponseHead(status: responseStatus, headers: headers)
    }
}
