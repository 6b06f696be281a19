import MessageStore
import WireCodecs

/// The responses the reference server builds, with CORS headers (Spec CORS-1, CORS-2, HTTP-1).
extension HTTPResponse {
    /// A response carrying `Access-Control-Allow-Origin`: the request's `Origin` (with `Vary: Origin`),
    /// or `*` when it sent none (Spec CORS-1).
    static func withCORS(status: Int, contentType: String?, body: [UInt8], origin: String?) -> HTTPResponse {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        appendCORS(to: &headers, origin: origin)
        return HTTPResponse(head: HTTPResponseHead(status: status, headers: headers), body: body)
    }

    /// A JSON body with CORS headers.
    static func json(status: Int, body: [UInt8], origin: String?) -> HTTPResponse {
        withCORS(status: status, contentType: "application/json", body: body, origin: origin)
    }

    /// `{"error":"<reason>"}` with this status (Spec SEND-3, SEND-4).
    static func jsonError(status: Int, reason: String, origin: String?) -> HTTPResponse {
        json(status: status, body: MessengerEvents.errorBody(reason), origin: origin)
    }

    /// The answer to a CORS preflight: 204 allowing GET, POST, OPTIONS and the requested headers
    /// (Spec CORS-2).
    static func preflight(for head: HTTPRequestHead) -> HTTPResponse {
        var headers = HTTPHeaders()
        appendCORS(to: &headers, origin: head.headers["Origin"])
        headers.add(name: "Access-Control-Allow-Methods", value: "GET, POST, OPTIONS")
        let requested = head.headers["Access-Control-Request-Headers"] ?? ""
        headers.add(name: "Access-Control-Allow-Headers", value: requested.isEmpty ? "Content-Type" : requested)
        headers.add(name: "Access-Control-Max-Age", value: "86400")
        return HTTPResponse(head: HTTPResponseHead(status: 204, headers: headers))
    }

    /// A 405 for `/messages` with `Allow` (RFC 9110 §15.5.6, Spec HTTP-1).
    static func methodNotAllowed(origin: String?) -> HTTPResponse {
        var response = jsonError(status: 405, reason: "method not allowed; use POST", origin: origin)
        response.head.headers.add(name: "Allow", value: "POST, OPTIONS")
        return response
    }

    static func appendCORS(to headers: inout HTTPHeaders, origin: String?) {
        if let origin, !origin.isEmpty {
            headers.add(name: "Access-Control-Allow-Origin", value: origin)
            headers.add(name: "Access-Control-Allow-Credentials", value: "true")
            headers.add(name: "Vary", value: "Origin")
        } else {
            headers.add(name: "Access-Control-Allow-Origin", value: "*")
        }
    }
}
