import WireCodecs

/// A raw TCP connection to the target, for malformed input (Spec ROBUST-4, ROBUST-5); every byte
/// sent and received is traced under `label`.
public final class KitRawConnection: Sendable {
    public let label: String
    let connection: KitTCPConnection
    let trace: WireTrace

    init(label: String, connection: KitTCPConnection, trace: WireTrace) {
        self.label = label
        self.connection = connection
        self.trace = trace
    }

    public func send(_ bytes: [UInt8]) async {
        trace.append(session: label, .sent, KitFormat.bytes(bytes))
        connection.send(bytes)
    }

    /// The next bytes received; nil once the peer closed (and everything was read); empty on timeout.
    public func receive(timeout: Duration) async -> [UInt8]? {
        switch await connection.read(timeout: timeout) {
        case .bytes(let bytes):
            trace.append(session: label, .received, KitFormat.bytes(bytes))
            return bytes
        case .closed:
            trace.append(session: label, .note, "closed by the peer")
            return nil
        case .timedOut:
            return []
        }
    }

    /// What came back for a request sent raw.
    public enum Answer: Sendable {
        /// A complete HTTP response (the connection may still be open: keep-alive).
        case response(HTTPResponse)
        /// The peer closed the connection first; the bytes it sent before, if any.
        case closed([UInt8])
        /// Nothing complete within the time; the bytes received so far.
        case timedOut([UInt8])
        /// The peer answered bytes that are not a valid HTTP/1.1 response.
        case malformed([UInt8], HTTPParseError)
    }

    /// Reads until a complete HTTP response to `method` arrives, the peer closes, or `timeout` passes:
    /// a server that answers and keeps the connection open is not waited on until the timeout.
    public func readAnswer(toMethod method: String, timeout: Duration) async -> Answer {
        var collected: [UInt8] = []
        let result = await KitHTTPExchange.readResponse(from: connection, method: method, timeout: timeout) { bytes in
            trace.append(session: label, .received, KitFormat.bytes(bytes))
            collected += bytes
        }
        switch result {
        case .success(let response): return .response(response)
        case .failure(.malformed(let error)): return .malformed(collected, error)
        case .failure(.closedWithoutAnswer):
            trace.append(session: label, .note, "closed by the peer")
            return .closed(collected)
        case .failure(.timedOut), .failure(.unreachable): return .timedOut(collected)
        }
    }

    /// Reads (and traces) until the peer closes, or `timeout` passes; true when it closed.
    public func waitUntilClosed(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let bytes = await receive(timeout: deadline - ContinuousClock.now) else { return true }
            if bytes.isEmpty { return false }
        }
        return false
    }

    /// Stops (false) or resumes (true) reading from the socket (Spec ROBUST-6).
    public func setReading(_ isReading: Bool) { connection.setReading(isReading) }

    public func close() {
        trace.append(session: label, .note, "closed by the client")
        connection.close()
    }
}
