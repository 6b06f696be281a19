import WireCodecs

/// The answers that tell a client to come back later (RFC 9110 §15.6.4 503, RFC 6585 §4 429,
/// RFC 9110 §10.2.3 `Retry-After`; Spec SEND-6).
extension HTTPResponse {
    /// `{"error":"<reason>"}` with this status and `Retry-After: <seconds>`.
    static func retryLater(status: Int, reason: String, retryAfterSeconds: Int, origin: RequestOrigin?) -> HTTPResponse {
        var response = jsonError(status: status, reason: reason, origin: origin)
        response.head.headers.add(name: "Retry-After", value: String(max(0, retryAfterSeconds)))
        return response
    }

    /// A JSON `body` with this status and `Retry-After: <seconds>`, no CORS (`/healthz`).
    static func retryLater(status: Int, body: [UInt8], retryAfterSeconds: Int) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Retry-After", value: String(max(0, retryAfterSeconds)))
        return HTTPResponse(head: HTTPResponseHead(status: status, headers: headers), body: body)
    }
}
