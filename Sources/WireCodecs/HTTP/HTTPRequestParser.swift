/// An incremental HTTP/1.1 request parser: bytes in, whole requests (head and body) out, no I/O.
///
/// RFC 9112. Feed received bytes with `append`, then call `nextRequest()` until it returns nil
/// (more bytes needed); pipelined requests come out one by one, in order. Call `nextRequest()` after
/// every `append`: limits are enforced there, on what has been buffered so far, so a head that never
/// ends is refused once `httpMaxHeadSize` bytes of it have arrived, and a declared body over
/// `httpMaxBodySize` is refused from its Content-Length before any of it is buffered. After an
/// error is thrown the parser stays failed: every later call throws the same error and appended
/// bytes are dropped; the server answers `error.status` and closes.
///
/// Tolerances, each a MAY or SHOULD of RFC 9112 §2.2: a bare LF ends a line like CRLF, and empty
/// lines before the request-line are ignored. Everything else outside the grammar is refused.
public struct HTTPRequestParser: Sendable {
    public let limits: WireLimits
    /// Whether an HTTP/1.1 request without Host is refused (RFC 9112 §3.2 MUST). More than one
    /// Host is refused regardless.
    public let requiresHost: Bool

    private enum Phase: Sendable {
        case head
        case body(HTTPRequestHead)
        case failed(HTTPParseError)
    }

    private var input = HTTPInputBuffer()
    private var phase = Phase.head
    private var scanner = HTTPHeadScanner(skipsLeadingEmptyLines: true)
    private var bodyDecoder = HTTPBodyDecoder.idle

    public init(limits: WireLimits = .standard, requiresHost: Bool = true) {
        self.limits = limits
        self.requiresHost = requiresHost
    }

    /// Bytes buffered and not yet returned as part of a request.
    public var bufferedByteCount: Int { input.count }

    /// Whether no bytes of an unfinished request are buffered (a clean point to close the connection).
    public var isIdle: Bool { input.count == 0 && !isFailed }

    /// The head of the request whose body is still arriving, e.g. to answer `Expect: 100-continue`
    /// (RFC 9110 §10.1.1) before the body is sent.
    public var pendingHead: HTTPRequestHead? {
        if case .body(let head) = phase { head } else { nil }
    }

    /// Whether an error has been thrown.
    public var isFailed: Bool {
        if case .failed = phase { true } else { false }
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if isFailed { return }
        input.append(bytes)
    }

    /// Adds received bytes straight from a read buffer.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if isFailed { return }
        input.append(bytes)
    }

    /// The next complete request, or nil when more bytes are needed.
    public mutating func nextRequest() throws(HTTPParseError) -> HTTPRequest? {
        do {
            return try parseNext()
        } catch {
            phase = .failed(error)
            throw error
        }
    }

    /// Removes and returns every byte after the last request returned (e.g. the first WebSocket
    /// frames sent right behind an Upgrade request), and resets the parser to expect a new request.
    public mutating func takeUnparsedBytes() -> [UInt8] {
        let rest = input.takeAll()
        if !isFailed { phase = .head }
        scanner = HTTPHeadScanner(skipsLeadingEmptyLines: true)
        bodyDecoder = .idle
        return rest
    }

    private mutating func parseNext() throws(HTTPParseError) -> HTTPRequest? {
        let head: HTTPRequestHead
        switch phase {
        case .failed(let error):
            throw error
        case .body(let pending):
            head = pending
        case .head:
            guard let headEnd = try scanner.scanHead(input, limits: limits, firstLineTooLong: .targetTooLong) else { return nil }
            head = try parseHead()
            let framing = try HTTPBodyDecoder.Framing.announced(
                by: head.headers, version: head.version, otherwise: .none, maxBodySize: limits.httpMaxBodySize)
            bodyDecoder = HTTPBodyDecoder(framing: framing, offset: headEnd, limits: limits)
            phase = .body(head)
        }
        guard let length = try bodyDecoder.decode(input) else { return nil }
        let request = HTTPRequest(head: head, body: bodyDecoder.takeBody())
        input.consume(length)
        phase = .head
        scanner = HTTPHeadScanner(skipsLeadingEmptyLines: true)
        bodyDecoder = .idle
        return request
    }

    /// `request-line = method SP request-target SP HTTP-version`, then the field lines (RFC 9112 §3, §5).
    private func parseHead() throws(HTTPParseError) -> HTTPRequestHead {
        guard let requestLineRange = scanner.lines.first else { throw .invalidRequestLine }
        let line = input.bytes(requestLineRange)
        // Exactly two single spaces make three parts (a split without the array of slices).
        guard let firstSpace = line.firstIndex(of: 0x20),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: 0x20),
              !line[(secondSpace + 1)...].contains(0x20)
        else { throw .invalidRequestLine }
        let method = line[..<firstSpace]
        let target = line[(firstSpace + 1)..<secondSpace]
        guard !target.isEmpty else { throw .invalidRequestLine }
        guard HTTPSyntax.isToken(method) else { throw .invalidMethod }
        // request-target: origin-form, absolute-form, authority-form or "*": visible ASCII only (§3.2).
        guard target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .invalidTarget }
        guard let version = HTTPSyntax.parseVersion(line[(secondSpace + 1)...]) else { throw .invalidRequestLine }
        guard version == .http1_1 || version == .http1_0 else { throw .unsupportedVersion }
        let headers = try HTTPSyntax.parseHeaderFields(scanner.lines.dropFirst(), in: input)
        // A server MUST respond with 400 to an HTTP/1.1 request lacking Host, and to any request with
        // more than one Host field line (§3.2).
        let hostCount = headers.count(of: "Host")
        if hostCount > 1 || (hostCount == 0 && version == .http1_1 && requiresHost) { throw .invalidHost }
        return HTTPRequestHead(
            method: String(decoding: method, as: UTF8.self),
            target: String(decoding: target, as: UTF8.self),
            version: version,
            headers: headers)
    }
}
