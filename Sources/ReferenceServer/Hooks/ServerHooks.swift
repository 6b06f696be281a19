import MessageStore
import WireCodecs

/// Optional interception points at the server's choke points, for instrumentation and for fault
/// injection in tests (the conformance kit's mutants are built from them). Default: none.
///
/// Not a fault switch: the shipped server sets no hook, and each hook is one `nil` check on its path.
/// A hook sees and may rewrite what passes one point; it is called on the server's loop thread
/// (`makeStore` on the starting thread) and must not block. Every hook is optional and independent.
public struct ServerHooks: Sendable {
    /// Sees each HTTP request before it is routed: may rewrite it, or answer it by returning a response.
    public var request: (@Sendable (_ request: inout HTTPRequest) -> HTTPResponse?)?
    /// Rewrites each HTTP response before it is written (not 101 upgrades); the request head is nil
    /// for the answer to a malformed request.
    public var response: (@Sendable (_ request: HTTPRequestHead?, _ response: HTTPResponse) -> HTTPResponse)?
    /// Rewrites the bytes read from an HTTP connection before its requests are parsed.
    public var incomingHTTPBytes: (@Sendable (_ bytes: [UInt8]) -> [UInt8])?
    /// Rewrites the bytes read from a WebSocket connection before its frames are parsed.
    public var incomingWebSocketBytes: (@Sendable (_ bytes: [UInt8]) -> [UInt8])?
    /// Overrides the validation of a `POST /messages` body, given the standard validator's verdict (Spec SEND-1..4).
    public var validatePost: (@Sendable (_ body: [UInt8], _ standard: Result<NewMessage, MessagePostValidator.Refusal>)
        -> Result<NewMessage, MessagePostValidator.Refusal>)?
    /// Rewrites (or drops, returning nil) each Engine.IO packet a session receives, after decoding.
    public var incomingEngineIO: (@Sendable (_ sid: String, _ packet: EngineIOPacket) -> EngineIOPacket?)?
    /// Rewrites each Engine.IO packet sent to a session into zero or more packets (open packet included).
    public var outgoingEngineIO: (@Sendable (_ sid: String, _ packet: EngineIOPacket) -> [EngineIOPacket])?
    /// Rewrites the actions of a session's `EngineIOServerSession` before they are carried out.
    public var engineIOActions: (@Sendable (_ sid: String, _ actions: [EngineIOServerAction]) -> [EngineIOServerAction])?
    /// Rewrites the actions of `MessengerState` before they are carried out, given the state that produced them.
    public var messengerActions: (@Sendable (_ actions: [MessengerState.Action], _ state: MessengerState) -> [MessengerState.Action])?
    /// Rewrites the Engine.IO configuration the sessions run with (not what the server was configured with).
    public var engineIOConfiguration: (@Sendable (EngineIOServerConfiguration) -> EngineIOServerConfiguration)?
    /// Opens the message store instead of `MessageStore(path:configuration:)` (the configuration carries
    /// the server's `deliverCompletions`, which every completion must go through).
    public var makeStore: (@Sendable (_ path: String, _ configuration: StoreConfiguration) throws(StorageError) -> any ServerMessageStore)?
    /// Overrides the verdict on a token (nil: none sent) at CONNECT or on a POST, given the standard
    /// verifier's (Spec AUTH-2..4, AUTH-7). Only with authentication on.
    public var verifyToken: (@Sendable (_ token: String?, _ place: AuthenticationPlace, _ standard: Result<JSONWebTokenClaims, JSONWebTokenError>)
        -> Result<JSONWebTokenClaims, JSONWebTokenError>)?
    /// Overrides whether a token's `sub` may act as the claimed user (standard: they are equal) on a
    /// `join` or a POST's `sender` (Spec AUTH-5, AUTH-8). Only with authentication on.
    public var authorizeUser: (@Sendable (_ subject: String, _ claimed: String, _ place: AuthenticationPlace, _ standard: Bool) -> Bool)?
    /// Holds each `new_message` this long before it is written to its recipients (the message's 201 and
    /// everything else go out at once): a slow fan-out queue. Order among held messages is kept.
    public var newMessageDelay: Duration?

    public init() {}

    /// No hook: the server as shipped.
    public static var none: ServerHooks { ServerHooks() }
}
