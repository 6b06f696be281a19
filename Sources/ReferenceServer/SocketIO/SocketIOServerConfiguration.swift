import WireCodecs

/// Limits and timers of the Socket.IO layer, with the Node.js socket.io defaults.
public struct SocketIOServerConfiguration: Sendable, Equatable {
    /// Most binary attachments one packet may announce; more is a parse error.
    /// Default `WireLimits.socketIOMaxAttachments` (10, as socket.io-parser's `maxAttachments`).
    public var maxAttachments: Int
    /// Milliseconds a client has after the Engine.IO handshake to CONNECT to a namespace,
    /// else the connection is closed. Default 45,000 (socket.io `connectTimeout`).
    public var connectTimeout: Int
    /// Whether a CONNECT to `/` waits for the owner's `approveConnect()` or `refuseConnect(message:)`
    /// (`.connectRequested`) instead of being answered at once, as socket.io middleware does (Spec AUTH-2).
    /// Default false.
    public var requiresConnectApproval: Bool
    /// The namespace the session serves: a CONNECT to any other is answered
    /// `CONNECT_ERROR {"message":"Invalid namespace"}`, and every packet the session sends carries it.
    /// An owner offering several namespaces runs one session per namespace (`ProtocolTestCore`).
    /// Default `/`.
    public var namespace: String

    public init(
        maxAttachments: Int = WireLimits.standard.socketIOMaxAttachments, connectTimeout: Int = 45_000, requiresConnectApproval: Bool = false,
        namespace: String = "/"
    ) {
        self.maxAttachments = maxAttachments
        self.connectTimeout = connectTimeout
        self.requiresConnectApproval = requiresConnectApproval
        self.namespace = namespace
    }

    /// The defaults.
    public static let standard = SocketIOServerConfiguration()
}
