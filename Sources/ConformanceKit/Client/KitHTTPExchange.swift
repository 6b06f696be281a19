import WireCodecs

/// One HTTP/1.1 request and its response on a fresh connection, with a deadline.
enum KitHTTPExchange {
    /// Why an exchange produced no response.
    enum Failure: Error, Sendable, CustomStringConvertible {
        /// The connection could not be made (nothing was sent).
        case unreachable(String)
        /// No complete response before the deadline.
        case timedOut(Duration)
        /// The server closed the connection before a complete response.
        case closedWithoutAnswer
        /// The response was not valid HTTP/1.1.
        case malformed(HTTPParseError)

        var description: String {
            switch self {
            case .unreachable(let reason): reason
            case .timedOut(let limit): "no complete response within \(KitFormat.duration(limit))"
            case .closedWithoutAnswer: "the connection was closed without a complete response"
            case .malformed(let error): "malformed HTTP response: \(error)"
            }
        }
    }

    /// Sends `request` (Host and Content-Length added when missing) and reads the final response.
    static func send(
        _ request: HTTPRequest, to address: KitServerAddress, timeout: Duration, trace: WireTrace? = nil, label: String = "http"
    ) async -> Result<HTTPResponse, Failure> {
        let connection: KitTCPConnection
        switch await KitTCPConnection.connect(host: address.host, port: address.port, timeout: timeout) {
        case .success(let made): connection = made
        case .failure(let error):
            trace?.append(session: label, .note, "connect failed: \(error.reason)")
            return .failure(.unreachable(error.reason))
        }
        defer { connection.close() }
        var request = request
        if request.head.headers["Host"] == nil { request.head.headers.add(name: "Host", value: address.hostHeader) }
        if request.body.isEmpty && ["POST", "PUT", "PATCH"].contains(request.head.method)
            && request.head.headers["Content-Length"] == nil && request.head.headers["Transfer-Encoding"] == nil {
            request.head.headers.add(name: "Content-Length", value: "0")
        }
        trace?.append(session: label, .sent, requestLine(request))
        connection.send(request.serialized())
        let result = await readResponse(from: connection, method: request.head.method, timeout: timeout)
        switch result {
        case .success(let response): trace?.append(session: label, .received, responseLine(response))
        case .failure(let failure): trace?.append(session: label, .note, failure.description)
        }
        return result
    }

    /// Reads one final response (skipping 1xx interim answers other than 101) from `connection`;
    /// `received` sees every chunk of bytes as it arrives.
    static func readResponse(
        from connection: KitTCPConnection, method: String, timeout: Duration, received: ([UInt8]) -> Void = { _ in }
    ) async -> Result<HTTPResponse, Failure> {
        var parser = HTTPResponseParser()
        parser.expectResponse(toMethod: method)
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                while let response = try parser.nextResponse() {
                    if response.head.status < 200 && response.head.status != 101 {
                        parser.expectResponse(toMethod: method)
                        continue
                    }
                    return .success(response)
                }
            } catch {
                return .failure(.malformed(error))
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return .failure(.timedOut(timeout)) }
            switch await connection.read(timeout: remaining) {
            case .bytes(let bytes):
                received(bytes)
                parser.append(bytes)
            case .timedOut:
                return .failure(.timedOut(timeout))
            case .closed:
                do {
                    if let response = try parser.finish(), response.head.status >= 200 { return .success(response) }
                } catch {
                    return .failure(error == .unexpectedEndOfStream ? .closedWithoutAnswer : .malformed(error))
                }
                return .failure(.closedWithoutAnswer)
            }
        }
    }

    /// `POST /messages {"sender":…}` for the trace.
    static func requestLine(_ request: HTTPRequest) -> String {
        var line = "\(request.head.method) \(request.head.target)"
        if !request.body.isEmpty { line += " " + KitFormat.bytes(request.body) }
        return KitFormat.truncated(line)
    }

    /// `201 {"status":"success"}` for the trace.
    static func responseLine(_ response: HTTPResponse) -> String {
        var line = "\(response.head.status) \(response.head.reason)"
        if !response.body.isEmpty { line += " " + KitFormat.bytes(response.body) }
        return KitFormat.truncated(line)
    }
}
