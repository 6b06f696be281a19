/// Writing heads and whole messages as HTTP/1.1 bytes (RFC 9112 §3, §4, §5, §6, §7.1).
///
/// Each message is built into one `[UInt8]` with its capacity reserved up front. Field names and
/// values are written as given, except that CR, LF and NUL are replaced by SP so no value can end
/// its line early (response splitting); pass valid tokens as names.
extension HTTPRequestHead {
    /// `method SP request-target SP HTTP-version CRLF`, the field lines, and the empty line.
    public func serialized() -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(method.utf8.count + target.utf8.count + 16 + headers.serializedSizeEstimate)
        appendHead(to: &bytes)
        return bytes
    }

    func appendHead(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: method.utf8)
        bytes.append(0x20)
        bytes.append(contentsOf: target.utf8)
        bytes.append(0x20)
        version.append(to: &bytes)
        bytes.append(contentsOf: [0x0D, 0x0A])
        headers.appendFieldLines(to: &bytes)
        bytes.append(contentsOf: [0x0D, 0x0A])
    }
}

extension HTTPResponseHead {
    /// `HTTP-version SP status-code SP reason-phrase CRLF`, the field lines, and the empty line.
    public func serialized() -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(reason.utf8.count + 16 + headers.serializedSizeEstimate)
        appendHead(to: &bytes)
        return bytes
    }

    func appendHead(to bytes: inout [UInt8]) {
        version.append(to: &bytes)
        bytes.append(0x20)
        bytes.append(contentsOf: String(status).utf8)
        bytes.append(0x20)
        HTTPHeaders.appendSanitized(reason, to: &bytes)
        bytes.append(contentsOf: [0x0D, 0x0A])
        headers.appendFieldLines(to: &bytes)
        bytes.append(contentsOf: [0x0D, 0x0A])
    }
}

extension HTTPRequest {
    /// The head and body. Adds `Content-Length` when the head has neither it nor Transfer-Encoding
    /// and the body is not empty (RFC 9110 §8.6: not for a bodiless GET); encodes the body as one
    /// chunk when the head says `Transfer-Encoding: chunked`.
    public func serialized() -> [UInt8] {
        var head = self.head
        let isChunked = head.headers.isChunked
        if !isChunked && head.headers["Content-Length"] == nil && head.headers["Transfer-Encoding"] == nil
            && !body.isEmpty
        {
            head.headers.add(name: "Content-Length", value: String(body.count))
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(
            head.method.utf8.count + head.target.utf8.count + 16
                + head.headers.serializedSizeEstimate + body.count + 32)
        head.appendHead(to: &bytes)
        HTTPHeaders.appendBody(body, isChunked: isChunked, to: &bytes)
        return bytes
    }
}

extension HTTPResponse {
    /// The head and body. Adds `Content-Length` when the head has neither it nor Transfer-Encoding,
    /// except for 1xx, 204 and 304 (RFC 9110 §8.6); encodes the body as one chunk when the head says
    /// `Transfer-Encoding: chunked`.
    public func serialized() -> [UInt8] {
        var head = self.head
        let isChunked = head.headers.isChunked
        let mayHaveLength = head.status >= 200 && head.status != 204 && head.status != 304
        if mayHaveLength && !isChunked && head.headers["Content-Length"] == nil
            && head.headers["Transfer-Encoding"] == nil
        {
            head.headers.add(name: "Content-Length", value: String(body.count))
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(head.reason.utf8.count + 16 + head.headers.serializedSizeEstimate + body.count + 32)
        head.appendHead(to: &bytes)
        HTTPHeaders.appendBody(body, isChunked: isChunked, to: &bytes)
        return bytes
    }
}

extension HTTPVersion {
    func append(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: "HTTP/".utf8)
        bytes.append(contentsOf: String(major).utf8)
        bytes.append(UInt8(ascii: "."))
        bytes.append(contentsOf: String(minor).utf8)
    }
}

extension HTTPHeaders {
    var serializedSizeEstimate: Int {
        fields.reduce(2) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
    }

    /// Whether the transfer codings end with `chunked`.
    var isChunked: Bool { tokens(for: "Transfer-Encoding").last == "chunked" }

    func appendFieldLines(to bytes: inout [UInt8]) {
        for field in fields {
            Self.appendSanitized(field.name, to: &bytes)
            bytes.append(contentsOf: [UInt8(ascii: ":"), 0x20])
            Self.appendSanitized(field.value, to: &bytes)
            bytes.append(contentsOf: [0x0D, 0x0A])
        }
    }

    static func appendSanitized(_ text: String, to bytes: inout [UInt8]) {
        for byte in text.utf8 {
            bytes.append(byte == 0x0D || byte == 0x0A || byte == 0x00 ? 0x20 : byte)
        }
    }

    /// The body as is, or as `chunk-size CRLF data CRLF` then `0 CRLF CRLF` (RFC 9112 §7.1).
    static func appendBody(_ body: [UInt8], isChunked: Bool, to bytes: inout [UInt8]) {
        guard isChunked else {
            bytes.append(contentsOf: body)
            return
        }
        if !body.isEmpty {
            bytes.append(contentsOf: String(body.count, radix: 16).utf8)
            bytes.append(contentsOf: [0x0D, 0x0A])
            bytes.append(contentsOf: body)
            bytes.append(contentsOf: [0x0D, 0x0A])
        }
        bytes.append(contentsOf: "0\r\n\r\n".utf8)
    }
}
