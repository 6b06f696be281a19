import WireCodecs

/// Sorts an Engine.IO request into handshake, poll, post, upgrade, or one of Node's errors.
///
/// Engine.IO v4 "Query parameters" ("If a mandatory query parameter is missing, then the
/// server MUST respond with an HTTP 400 error status") and "Handshake"; the checks and their
/// order are those of the Node.js engine.io server (`Server.verify`, then `Server.handshake`):
///
/// 1. `transport` must name an enabled transport, else 0 "Transport unknown".
/// 2. An `Origin` header with characters outside field-vchar is 3 "Bad request".
/// 3. With a `sid`: an `EIO` other than `4` is 5 "Unsupported protocol version"; an unknown sid is
///    1 "Session ID unknown"; a plain request whose `transport` differs from the session's current
///    transport is 3 "Bad request".
/// 4. Without a `sid` (a handshake): the method must be GET, else 2 "Bad handshake method";
///    `transport=websocket` needs a WebSocket upgrade, else 3; `allowHandshake` may refuse
///    with 4 "Forbidden"; `EIO` must be `4`, else 5 "Unsupported protocol version".
///
/// Unlike Node, `EIO` is checked on every request, not only on handshakes (Spec TRANSPORT-7: "a
/// request with an `EIO` other than `4`"): Node let an upgrade with `EIO=3` for an `EIO=4` session
/// through (an issue of ours cites engine.io CVE-2026-102599 for it; we found no public record of that
/// ID). Path matching (`/socket.io/`) is the router's job, not this type's.
public struct EngineIOHandshakeValidator: Sendable {
    /// Transports this server accepts. Default both.
    public var enabledTransports: Set<EngineIOTransport>

    public init(enabledTransports: Set<EngineIOTransport> = [.polling, .webSocket]) {
        self.enabledTransports = enabledTransports
    }

    /// Whether a request head asks for a WebSocket upgrade (RFC 6455 §4.2.1 items 3 and 4:
    /// `Upgrade` contains `websocket`, `Connection` contains `upgrade`).
    public static func isWebSocketUpgrade(_ head: HTTPRequestHead) -> Bool {
        head.headers.tokens(for: "Upgrade").contains("websocket")
            && head.headers.tokens(for: "Connection").contains("upgrade")
    }

    /// Routes one request.
    ///
    /// - Parameters:
    ///   - head: the request line and headers.
    ///   - isWebSocketUpgrade: whether this request is a WebSocket opening handshake
    ///     (usually `isWebSocketUpgrade(head)`).
    ///   - sessionTransport: the current transport of the session with this sid, or nil
    ///     when no open session has it.
    ///   - allowHandshake: the server's admission hook for new sessions (Node's
    ///     `allowRequest`); false answers 4 "Forbidden".
    public func route(
        _ head: HTTPRequestHead,
        isWebSocketUpgrade: Bool,
        sessionTransport: (String) -> EngineIOTransport?,
        allowHandshake: (HTTPRequestHead) -> Bool = { _ in true }
    ) -> EngineIORequestRoute {
        let query = EngineIORequestQuery(target: head.target)

        // 1. transport check
        guard let transportName = query.value(for: "transport"),
              let transport = EngineIOTransport(rawValue: transportName),
              enabledTransports.contains(transport)
        else { return .error(.transportUnknown) }

        // 2. 'Origin' header check
        if let origin = head.headers["Origin"], !Self.isValidFieldValue(origin) {
            return .error(.badRequest)
        }

        // 3. sid check (Node: `if (sid)`, so an empty sid counts as absent; a repeated one
        //    becomes an array that names no session)
        if query.contains("sid"), query.parameters["sid"] != [""] {
            guard query.value(for: "EIO") == "4" else { return .error(.unsupportedProtocolVersion) }
            guard let sid = query.value(for: "sid"), let current = sessionTransport(sid) else {
                return .error(.sessionIDUnknown)
            }
            if isWebSocketUpgrade {
                // Node only lets transports that handle upgrades (WebSocket) take one.
                return transport == .webSocket ? .upgrade(sid: sid) : .error(.badRequest)
            }
            guard current == transport, transport == .polling else { return .error(.badRequest) }
            switch head.method {
            case "GET": return .poll(sid: sid)
            case "POST": return .post(sid: sid)
            default: return .unsupportedPollingMethod(sid: sid)
            }
        }

        // 4. handshake is GET only
        guard head.method == "GET" else { return .error(.badHandshakeMethod) }
        if transport == .webSocket && !isWebSocketUpgrade { return .error(.badRequest) }
        if transport == .polling && isWebSocketUpgrade { return .error(.badRequest) }
        guard allowHandshake(head) else { return .error(.forbidden) }
        guard query.value(for: "EIO") == "4" else { return .error(.unsupportedProtocolVersion) }
        return .handshake(transport)
    }

    /// RFC 9110 §5.5 field-vchar / SP / HTAB / obs-text (Node's `checkInvalidHeaderChar`).
    static func isValidFieldValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { byte in byte == 0x09 || (byte >= 0x20 && byte != 0x7F) }
    }
}
