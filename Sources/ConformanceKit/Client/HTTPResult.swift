import WireCodecs

/// The response to a kit HTTP request.
public struct HTTPResult: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The body parsed as JSON, when it is JSON.
    public var json: JSONValue?

    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
        self.json = body.isEmpty ? nil : try? JSONParser.parse(body)
    }

    /// The body as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }
}
