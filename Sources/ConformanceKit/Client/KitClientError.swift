/// What went wrong in the kit's client, in the client's own terms (no verdict, no Spec ID): the
/// scenario layer turns each into a finding, a failure or an inconclusive verdict citing the
/// requirements it touches (`KitClientError+Finding`).
public enum KitClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be reached at all: nothing was exchanged.
    case unreachable(reason: String)
    /// The WebSocket opening handshake of a new session (`GET target`) did not give a WebSocket.
    case webSocketRefused(target: String, actual: String)
    /// The polling handshake `GET target` got no well-formed HTTP answer.
    case pollingHandshakeFailed(target: String, actual: String)
    /// The polling handshake got no answer within `limit`.
    case pollingHandshakeTimedOut(limit: Duration)
    /// The handshake on `transport` (`.webSocket` or `.polling`) did not start with an Engine.IO open packet.
    case noOpenPacket(transport: TransportKind, actual: String)
    /// The polling open packet's `upgrades` does not list `websocket`.
    case upgradeNotOffered(upgrades: [String])
    /// The upgrade request `GET target` of a polling session did not give a WebSocket.
    case upgradeRefused(target: String, actual: String)
    /// `2probe` on the new WebSocket was not answered with `3probe`.
    case probeUnanswered(actual: String)
    /// The session closed while it was upgrading.
    case closedDuringUpgrade(reason: String)
    /// The call needs a transport the session is not on; `reason` says which.
    case wrongTransport(reason: String)
    /// The session's previous send did not finish within `limit`.
    case sendStalled(session: String, limit: Duration)
    /// A polling POST got no usable answer.
    case pollingPostFailed(session: String, failure: String)
    /// The session was closed before the send.
    case sessionClosed(session: String, reason: String)
    /// No CONNECT or CONNECT_ERROR answer for `namespace` came.
    case noNamespaceAnswer(namespace: String, actual: String)
    /// The CONNECT to `/` was not answered with a CONNECT carrying a string `sid`; `answer` is the packet,
    /// `isAuthenticated` whether the CONNECT carried a token for `user`.
    case rootConnectRefused(user: String, isAuthenticated: Bool, isConnectError: Bool, answer: String, witnesses: [OperationID])
    /// No `all_messages` came on `session` within `limit` of emitting `join`.
    case noAllMessages(session: String, limit: Duration, actual: String, witnesses: [OperationID])

    public var description: String {
        switch self {
        case .unreachable(let reason): "server unreachable: \(reason)"
        case .webSocketRefused(let target, let actual): "the WebSocket handshake GET \(target) failed: \(actual)"
        case .pollingHandshakeFailed(let target, let actual): "the polling handshake GET \(target) got no HTTP answer: \(actual)"
        case .pollingHandshakeTimedOut(let limit): "the polling handshake got no answer within \(KitFormat.duration(limit))"
        case .noOpenPacket(let transport, let actual): "the \(transport.rawValue) handshake did not start with an Engine.IO open packet: \(actual)"
        case .upgradeNotOffered(let upgrades): "the polling open packet offers no websocket upgrade: upgrades \(upgrades)"
        case .upgradeRefused(let target, let actual): "the upgrade request GET \(target) failed: \(actual)"
        case .probeUnanswered(let actual): "2probe on the new WebSocket was answered by \(actual), not 3probe"
        case .closedDuringUpgrade(let reason): "the session closed during the upgrade: \(reason)"
        case .wrongTransport(let reason): reason
        case .sendStalled(let session, let limit): "\(session): the previous send did not finish within \(KitFormat.duration(limit))"
        case .pollingPostFailed(let session, let failure): "\(session): polling POST: \(failure)"
        case .sessionClosed(let session, let reason): "session \(session) was closed: \(reason)"
        case .noNamespaceAnswer(let namespace, let actual): "no CONNECT or CONNECT_ERROR answer for namespace \(namespace): \(actual)"
        case .rootConnectRefused(_, _, _, let answer, _): "the CONNECT to / was answered \(answer)"
        case .noAllMessages(let session, let limit, let actual, _):
            "no all_messages on \(session) within \(KitFormat.duration(limit)) of emitting join: \(actual)"
        }
    }
}
