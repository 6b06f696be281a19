/// An incremental HTTP/1.1 response parser for clients: bytes in, whole responses out, no I/O.
///
/// RFC 9112. Same contract as `HTTPRequestParser`: `append`, then `nextResponse()` until nil; limits
/// are enforced as bytes arrive; after an error the parser stays failed. Framing follows §6.3:
///
/// 1. A response to HEAD, and every 1xx, 204 and 304 response, has no body whatever its headers say.
///    Interim 1xx responses (e.g. 100 Continue) are returned like any other; the final response to
///    the same request follows.
/// 2. 101 Switching Protocols (and a 2xx answer to CONNECT) ends the HTTP stream: `nextResponse()`
///    then returns nil and `takeUnparsedBytes()` hands over what followed (e.g. WebSocket frames).
/// 3. Otherwise chunked or Content-Length as for requests; with neither, the body runs to the end of
///    the connection, completed by `finish()`.
///
/// Pipelined requests: call `expectResponse(toMethod:)` once per request sent, in order; responses
/// with no expectation queued are read as answers to GET. The status-line's reason-phrase may be
/// absent together with its SP (`HTTP/1.1 204`), a common server habit tolerated here.
public struct HTTPResponseParser: Sendable {
    public let limits: WireLimits

    private enum Phase: Sendable {
        case head
        case body(HTTPResponseHead)
        case switchedProtocols
        case failed(HTTPParseError)
    }

    private var input = HTTPInputBuffer()
    private var phase = Phase.head
    private var scanner = HTTPHeadScanner(skipsLeadingEmptyLines: false)
    private var bodyDecoder = HTTPBodyDecoder.idle
    private var expectedMethods: [String] = []
    private var isAtEndOfStream = false

    public init(limits: WireLimits = .standard) {
        self.limits = limits
    }

    /// Queues the method of a request sent, so its response is framed right (HEAD has no body,
    /// a 2xx to CONNECT opens a tunnel).
    public mutating func expectResponse(toMethod method: String) {
        expectedMethods.append(method)
    }

    /// Bytes buffered and not yet returned as part of a response.
    public var bufferedByteCount: Int { input.count }

    /// Whether a 101 (or a 2xx to CONNECT) has been returned, ending HTTP on this connection.
    public var hasSwitchedProtocols: Bool {
        if case .switchedProtocols = phase { true } else { false }
    }

    /// Whether an error has been thrown.
    public var isFailed: Bool {
        if case .failed = phase { true } else { false }
    }

    /// Adds received bytes. Ignored after an error or after `finish()`.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if isFailed || isAtEndOfStream { return }
        input.append(bytes)
    }

    /// Adds received bytes straight from a read buffer.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if isFailed || isAtEndOfStream { return }
        input.append(bytes)
    }

    /// The next complete response, or nil when more bytes are needed.
    public mutating func nextResponse() throws(HTTPParseError) -> HTTPResponse? {
        do {
            return try parseNext()
        } catch {
            phase = .failed(error)
            throw error
        }
    }

    /// Marks the end of the stream and returns the next response, which the end may complete
    /// (a body read until close); call until nil. Throws `.unexpectedEndOfStream` when the stream
    /// stopped inside a response.
    public mutating func finish() throws(HTTPParseError) -> HTTPResponse? {
        isAtEndOfStream = true
        return try nextResponse()
    }

    /// Removes and returns every byte after the last response returned (after a 101: the first bytes
    /// of the new protocol).
    public mutating func takeUnparsedBytes() -> [UInt8] {
        input.takeAll()
    }

    private mutating func parseNext() throws(HTTPParseError) -> HTTPResponse? {
        let head: HTTPResponseHead
        switch phase {
        case .failed(let error):
            throw error
        case .switchedProtocols:
            return nil
        case .body(let pending):
            head = pending
        case .head:
            guard let headEnd = try scanner.scanHead(input, limits: limits, firstLineTooLong: .headTooLarge) else {
                if isAtEndOfStream && input.count > 0 { throw .unexpectedEndOfStream }
                return nil
            }
            head = try parseHead()
            let isInterim = head.status < 200 && head.status != 101
            let method =
                isInterim ? expectedMethods.first : (expectedMethods.isEmpty ? nil : expectedMethods.removeFirst())
            if head.status == 101 || (method == "CONNECT" && (200..<300).contains(head.status)) {
                input.consume(headEnd)
                scanner = HTTPHeadScanner(skipsLeadingEmptyLines: false)
                phase = .switchedProtocols
                return HTTPResponse(head: head)
            }
            let hasNoBody = method == "HEAD" || head.status < 200 || head.status == 204 || head.status == 304
            let framing: HTTPBodyDecoder.Framing =
                hasNoBody
                ? .none
                : try .announced(
                    by: head.headers, version: head.version, otherwise: .untilClose, maxBodySize: limits.httpMaxBodySize
                )
            bodyDecoder = HTTPBodyDecoder(framing: framing, offset: headEnd, limits: limits)
            phase = .body(head)
        }
        var length = try bodyDecoder.decode(input)
        if length == nil && isAtEndOfStream { length = try bodyDecoder.finishAtEndOfStream(input) }
        guard let length else { return nil }
        let response = HTTPResponse(head: head, body: bodyDecoder.takeBody())
        input.consume(length)
        phase = .head
        scanner = HTTPHeadScanner(skipsLeadingEmptyLines: false)
        bodyDecoder = .idle
        return response
    }

    /// `status-line = HTTP-version SP status-code SP [ reason-phrase ]`, then the field lines
    /// (RFC 9112 §4, §5).
    private func parseHead() throws(HTTPParseError) -> HTTPResponseHead {
        guard let statusLineRange = scanner.lines.first else { throw .invalidStatusLine }
        let line = input.bytes(statusLineRange)
        let parts = line.split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let version = HTTPSyntax.parseVersion(parts[0]) else { throw .invalidStatusLine }
        guard version == .http1_1 || version == .http1_0 else { throw .unsupportedVersion }
        let code = parts[1]
        guard code.count == 3, code.allSatisfy(HTTPSyntax.isDigit),
            let status = Int(String(decoding: code, as: UTF8.self)), (100...599).contains(status)
        else { throw .invalidStatusLine }
        let reasonBytes = parts.count == 3 ? parts[2] : []
        guard reasonBytes.allSatisfy(HTTPSyntax.isFieldValueByte) else { throw .invalidStatusLine }
        let headers = try HTTPSyntax.parseHeaderFields(scanner.lines.dropFirst(), in: input)
        return HTTPResponseHead(
            status: status, reason: HTTPSyntax.decodeText(reasonBytes), version: version, headers: headers)
    }
}
