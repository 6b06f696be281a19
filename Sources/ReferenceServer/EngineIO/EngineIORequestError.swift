import WireCodecs

/// The six request errors of the Node.js engine.io server, with their wire answers.
///
/// engine.io `Server.errors` / `Server.errorMessages`. Plain HTTP requests get
/// `abortRequest`'s answer: 400 (403 for `forbidden`), `Content-Type: application/json`,
/// body `{"code":N,"message":"..."}`. WebSocket upgrade requests get `abortUpgrade`'s:
/// always 400, `Connection: close`, `Content-Type: text/html`, body the message text.
public enum EngineIORequestError: Int, Sendable, Equatable, CaseIterable, Error {
    case transportUnknown = 0
    case sessionIDUnknown = 1
    case badHandshakeMethod = 2
    case badRequest = 3
    case forbidden = 4
    case unsupportedProtocolVersion = 5

    /// The numeric code sent in the JSON body.
    public var code: Int { rawValue }

    /// The message Node sends for this code.
    public var message: String {
        switch self {
        case .transportUnknown: "Transport unknown"
        case .sessionIDUnknown: "Session ID unknown"
        case .badHandshakeMethod: "Bad handshake method"
        case .badRequest: "Bad request"
        case .forbidden: "Forbidden"
        case .unsupportedProtocolVersion: "Unsupported protocol version"
        }
    }

    /// The HTTP status of a plain request's answer: 403 for `forbidden`, otherwise 400.
    public var httpStatus: Int { self == .forbidden ? 403 : 400 }

    /// The JSON body of a plain request's answer, byte for byte as `JSON.stringify` writes it.
    public var jsonBody: String { #"{"code":\#(code),"message":"\#(message)"}"# }

    /// The whole answer. Framing (`Content-Length`) is left to the response writer.
    public func response(isWebSocketUpgrade: Bool) -> HTTPResponse {
        if isWebSocketUpgrade {
            let head = HTTPResponseHead(status: 400, headers: ["Connection": "close", "Content-Type": "text/html"])
            return HTTPResponse(head: head, body: Array(message.utf8))
        }
        let head = HTTPResponseHead(status: httpStatus, headers: ["Content-Type": "application/json"])
        return HTTPResponse(head: head, body: Array(jsonBody.utf8))
    }
}
