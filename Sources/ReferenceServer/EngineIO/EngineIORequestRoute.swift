import WireCodecs

/// What an Engine.IO request is, once `EngineIOHandshakeValidator` has checked it.
public enum EngineIORequestRoute: Sendable, Equatable {
    /// A new session: a GET polling handshake, or a WebSocket opened without `sid`.
    case handshake(EngineIOTransport)
    /// A GET poll for an existing polling session (`onPollRequest`).
    case poll(sid: String)
    /// A POST for an existing polling session (`onPollData`).
    case post(sid: String)
    /// A WebSocket opened for an existing session: an upgrade (`onWebSocketOpened`).
    case upgrade(sid: String)
    /// A polling request for a known session with a method other than GET or POST; Node
    /// answers HTTP 500 with an empty body.
    case unsupportedPollingMethod(sid: String)
    /// Refused with one of Node's error codes; answer with `error.response(isWebSocketUpgrade:)`.
    case error(EngineIORequestError)

    /// Node's answer for `unsupportedPollingMethod`.
    public static let unsupportedPollingMethodResponse = HTTPResponse(head: HTTPResponseHead(status: 500))
}
