/// Every size limit the wire codecs enforce, in one place, with documented defaults.
///
/// Parsers check a limit before buffering the bytes it governs (a declared length over the limit
/// is refused from the header alone). The reference server and the conformance kit's client take
/// their limits from here; the server's `--max-payload` flag sets `engineIOMaxPayload`.
public struct WireLimits: Sendable, Equatable {
    /// Largest HTTP request or response head (request line + headers), in bytes. Default 16 KiB.
    public var httpMaxHeadSize: Int
    /// Most header fields in one HTTP head. Default 100.
    public var httpMaxHeaderCount: Int
    /// Largest HTTP body (Content-Length or the sum of chunks), in bytes. Default 1 MiB + 64 KiB,
    /// so a polling POST of `engineIOMaxPayload` bytes fits.
    public var httpMaxBodySize: Int
    /// Largest single WebSocket frame payload, in bytes. Default 1 MB (matches Engine.IO maxPayload).
    public var webSocketMaxFrameSize: Int
    /// Largest reassembled WebSocket message (all fragments), in bytes. Default 1 MB.
    public var webSocketMaxMessageSize: Int
    /// Engine.IO `maxPayload` advertised in the open packet: the largest polling payload or
    /// WebSocket message accepted, in bytes. Default 1,000,000 (the Engine.IO v4 default).
    public var engineIOMaxPayload: Int
    /// Most binary attachments one Socket.IO packet may announce. Default 10.
    public var socketIOMaxAttachments: Int
    /// Deepest nesting accepted by the JSON parser. Default 64.
    public var jsonMaxDepth: Int

    public init(
        httpMaxHeadSize: Int = 16 * 1024,
        httpMaxHeaderCount: Int = 100,
        httpMaxBodySize: Int = 1_000_000 + 64 * 1024,
        webSocketMaxFrameSize: Int = 1_000_000,
        webSocketMaxMessageSize: Int = 1_000_000,
        engineIOMaxPayload: Int = 1_000_000,
        socketIOMaxAttachments: Int = 10,
        jsonMaxDepth: Int = 64
    ) {
        self.httpMaxHeadSize = httpMaxHeadSize
        self.httpMaxHeaderCount = httpMaxHeaderCount
        self.httpMaxBodySize = httpMaxBodySize
        self.webSocketMaxFrameSize = webSocketMaxFrameSize
        self.webSocketMaxMessageSize = webSocketMaxMessageSize
        self.engineIOMaxPayload = engineIOMaxPayload
        self.socketIOMaxAttachments = socketIOMaxAttachments
        self.jsonMaxDepth = jsonMaxDepth
    }

    /// The defaults.
    public static let standard = WireLimits()
}
