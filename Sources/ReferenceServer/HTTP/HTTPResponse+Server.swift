import MessageStore
import WireCodecs

/// The responses the reference server builds, with CORS headers (Spec CORS-1, CORS-2, HTTP-1).
extension HTTPResponse {
    /// A response carrying `Access-Control-Allow-Origin`: the request's `Origin` (with `Vary: Origin`),
    /// or `*` when it sent none (Spec CORS-1); the credentials flag only for an allow-listed origin (CORS-3).
    static func withCORS(status: Int, contentType: String?, body: [UInt8], origin: RequestOrigin?) -> HTTPResponse {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        appendCORS(to: &headers, origin: origin)
        return HTTPResponse(head: HTTPResponseHead(status: status, headers: headers), body: body)
    }

    /// A JSON body with CORS headers.
    static func json(status: Int, body: [UInt8], origin: RequestOrigin?) -> HTTPResponse {
        withCORS(status: status, contentType: "application/json", body: body, origin: origin)
    }

    /// `{"error":"<reason>"}` with this status (Spec SEND-3, SEND-4).
    static func jsonError(status: Int, reason: String, origin: RequestOrigin?) -> HTTPResponse {
        json(status: status, body: MessengerEvents.errorBody(reason), origin: origin)
    }

    /// The answer to a CORS preflight: 204 allowing GET, POST, OPTIONS and the requested headers
    /// (Spec CORS-2).
    static func preflight(for head: HTTPRequestHead, origin: RequestOrigin?) -> HTTPResponse {
        var headers = HTTPHeaders()
        appendCORS(to: &headers, origin: origin)
        headers.add(name: "Access-Control-Allow-Methods", value: "GET, POST, OPTIONS")
        let requested = head.headers["Access-Control-Request-Headers"] ?? ""
        headers.add(name: "Access-Control-Allow-Headers", value: requested.isEmpty ? "Content-Type, Authorization" : requested)
        headers.add(name: "Access-Control-Max-Age", value: "86400")
        return HTTPResponse(head: HTTPResponseHead(status: 204, headers: headers))
    }

    /// A 405 for `/messages` with `Allow` (RFC 9110 §15.5.6, Spec HTTP-1).
    static func methodNotAllowed(origin: RequestOrigin?) -> HTTPResponse {
        var response = jsonError(status: 405, reason: "method not allowed; use POST", origin: origin)
        response.head.headers.add(name: "Allow", value: "POST, OPTIONS")
        return response
    }

    /// 403 for an `Origin` not on the allow-list (Spec ORIGIN-2); no CORS headers, so a browser page
    /// cannot read it either.
    static var originRefused: HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return HTTPResponse(head: HTTPResponseHead(status: 403, headers: headers), body: MessengerEvents.errorBody("origin not allowed"))
    }

    /// 401 for a `POST /messages` without a valid bearer token (Spec AUTH-7, RFC 6750 §3): the
    /// challenge names the `Bearer` scheme, with `error="invalid_token"` when a token was sent.
    static func unauthorized(reason: String, hadToken: Bool, origin: RequestOrigin?) -> HTTPResponse {
        var response = jsonError(status: 401, reason: reason, origin: origin)
        // RFC 6750 §3: error_description is a quoted string without `"` or `\`.
        let description = String(reason.unicodeScalars.filter { $0 != "\"" && $0 != "\\" && $0.isASCII && $0.value >= 0x20 })
        let challenge = hadToken
            ? "Bearer realm=\"messenger\", error=\"invalid_token\", error_description=\"\(description)\""
            : "Bearer realm=\"messenger\""
        response.head.headers.add(name: "WWW-Authenticate", value: challenge)
        return response
    }

    static func appendCORS(to headers: inout HTTPHeaders, origin: RequestOrigin?) {
        if let origin {
            headers.add(name: "Access-Control-Allow-Origin", value: origin.value)
            if origin.isAllowListed { headers.add(name: "Access-Control-Allow-Credentials", value: "true") }
            headers.add(name: "Vary", value: "Origin")
        } else {
            headers.add(name: "Access-Control-Allow-Origin", value: "*")
        }
    }
}
