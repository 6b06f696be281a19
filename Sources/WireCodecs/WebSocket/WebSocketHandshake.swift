/// The WebSocket opening handshake, both sides, as pure functions over HTTP heads.
///
/// RFC 6455 §4 (opening handshake), §1.3 (the accept computation).
public enum WebSocketHandshake {
    /// The GUID appended to the key before hashing (RFC 6455 §1.3).
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    /// The only protocol version this codec speaks (RFC 6455 §4.1 item 9).
    public static let version = "13"

    /// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`: base64(SHA-1(key + GUID)).
    ///
    /// RFC 6455 §1.3 and §4.2.2 item 5.4.
    public static func acceptValue(forKey key: String) -> String {
        Base64.encode(SHA1.hash(Array((key + guid).utf8)))
    }

    /// Checks a client's opening handshake and returns its `Sec-WebSocket-Key`.
    ///
    /// RFC 6455 §4.2.1, rule by rule. The request-target (item 1's Request-URI), `Origin` (item 7),
    /// subprotocols and extensions (items 8–9) are left to the caller: this codec negotiates none.
    public static func validateUpgrade(_ head: HTTPRequestHead) throws(WebSocketHandshakeError) -> String {
        let headers = head.headers
        // 1. An HTTP/1.1 or higher GET request, including a "Request-URI".
        guard head.method == "GET" else { throw .methodNotGet(head.method) }
        guard head.version.major > 1 || (head.version.major == 1 && head.version.minor >= 1) else {
            throw .httpVersionTooOld(head.version)
        }
        // 2. A |Host| header field containing the server's authority.
        //    (RFC 9112 §3.2: a request with more than one Host field gets 400.)
        guard headers.values(for: "Host").count == 1 else { throw .missingHost }
        // 3. An |Upgrade| header field containing the value "websocket", treated as an ASCII
        //    case-insensitive value.
        guard headers.tokens(for: "Upgrade").contains("websocket") else { throw .missingUpgradeWebSocket }
        // 4. A |Connection| header field that includes the token "Upgrade", treated as an ASCII
        //    case-insensitive value.
        guard headers.tokens(for: "Connection").contains("upgrade") else { throw .missingConnectionUpgrade }
        // 5. A |Sec-WebSocket-Key| header field with a base64-encoded value that, when decoded, is
        //    16 bytes in length.
        let keys = headers.values(for: "Sec-WebSocket-Key")
        guard let rawKey = keys.first else { throw .missingKey }
        let key = rawKey.trimmingWhitespace()
        guard keys.count == 1, Base64.decode(key)?.count == 16 else { throw .invalidKey(rawKey) }
        // 6. A |Sec-WebSocket-Version| header field, with a value of 13.
        let versions = headers.values(for: "Sec-WebSocket-Version")
        guard let rawVersion = versions.first else { throw .missingVersion }
        guard versions.count == 1, rawVersion.trimmingWhitespace() == version else {
            throw .unsupportedVersion(versions.joined(separator: ", "))
        }
        return key
    }

    /// The server's 101 response accepting the upgrade for `key`.
    ///
    /// RFC 6455 §4.2.2 item 5: status 101, `Upgrade: websocket`, `Connection: Upgrade`,
    /// `Sec-WebSocket-Accept`.
    public static func serverResponse(key: String) -> HTTPResponseHead {
        HTTPResponseHead(
            status: 101,
            headers: [
                "Upgrade": "websocket",
                "Connection": "Upgrade",
                "Sec-WebSocket-Accept": acceptValue(forKey: key),
            ]
        )
    }

    /// A fresh `Sec-WebSocket-Key`: 16 random bytes, base64-encoded (RFC 6455 §4.1 item 7).
    public static func makeKey(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(16)
        for _ in 0..<2 {
            let value = generator.next() as UInt64
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            }
        }
        return Base64.encode(bytes)
    }

    /// The client's opening handshake request.
    ///
    /// RFC 6455 §4.1 items 1–9: GET, HTTP/1.1, `Host`, `Upgrade: websocket`, `Connection: Upgrade`,
    /// `Sec-WebSocket-Key`, `Sec-WebSocket-Version: 13`; `extraHeaders` (e.g. `Origin`) follow.
    public static func clientRequest(
        host: String,
        target: String,
        key: String,
        extraHeaders: HTTPHeaders = HTTPHeaders()
    ) -> HTTPRequestHead {
        var headers: HTTPHeaders = [
            "Host": host,
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": key,
            "Sec-WebSocket-Version": version,
        ]
        for field in extraHeaders { headers.add(name: field.name, value: field.value) }
        return HTTPRequestHead(method: "GET", target: target, version: .http1_1, headers: headers)
    }

    /// Checks the server's answer to a request sent with `key`.
    ///
    /// RFC 6455 §4.1 ("The client MUST validate the server's response as follows"), items 1–6.
    /// `requestedSubprotocols` lists what the client offered; no extensions are ever offered.
    public static func validateServerResponse(
        _ head: HTTPResponseHead,
        key: String,
        requestedSubprotocols: [String] = []
    ) throws(WebSocketHandshakeError) {
        let headers = head.headers
        // 1. If the status code received from the server is not 101, the client handles the response
        //    per HTTP procedures.
        guard head.status == 101 else { throw .unexpectedStatus(head.status) }
        // 2. If the response lacks an |Upgrade| header field or the |Upgrade| header field contains a
        //    value that is not an ASCII case-insensitive match for the value "websocket", the client
        //    MUST _Fail the WebSocket Connection_.
        guard headers.tokens(for: "Upgrade") == ["websocket"] else { throw .responseMissingUpgradeWebSocket }
        // 3. If the response lacks a |Connection| header field or the |Connection| header field doesn't
        //    contain a token that is an ASCII case-insensitive match for the value "Upgrade", the client
        //    MUST _Fail the WebSocket Connection_.
        guard headers.tokens(for: "Connection").contains("upgrade") else { throw .responseMissingConnectionUpgrade }
        // 4. If the response lacks a |Sec-WebSocket-Accept| header field or the |Sec-WebSocket-Accept|
        //    contains a value other than the base64-encoded SHA-1 of the concatenation of the
        //    |Sec-WebSocket-Key| (as a string, not base64-decoded) with the string
        //    "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" [...] the client MUST _Fail the WebSocket Connection_.
        let expected = acceptValue(forKey: key)
        let accepts = headers.values(for: "Sec-WebSocket-Accept")
        guard accepts.count == 1, let received = accepts.first, received.trimmingWhitespace() == expected else {
            throw .invalidAccept(expected: expected, received: accepts.first)
        }
        // 5. If the response includes a |Sec-WebSocket-Extensions| header field and this header field
        //    indicates the use of an extension that was not present in the client's handshake [...] the
        //    client MUST _Fail the WebSocket Connection_.
        if let extensionName = headers.tokens(for: "Sec-WebSocket-Extensions").first {
            throw .unrequestedExtension(extensionName)
        }
        // 6. If the response includes a |Sec-WebSocket-Protocol| header field and this header field
        //    indicates the use of a subprotocol that was not present in the client's handshake [...] the
        //    client MUST _Fail the WebSocket Connection_.
        let requested = Set(requestedSubprotocols.map { $0.lowercased() })
        for subprotocol in headers.tokens(for: "Sec-WebSocket-Protocol") where !requested.contains(subprotocol) {
            throw .unrequestedSubprotocol(subprotocol)
        }
    }
}
