import WireCodecs

/// Waits until a server answers: a TCP connection, then a polling handshake answered 200.
public enum TargetReadiness {
    /// Whether the server at `baseURL` answers an Engine.IO polling handshake now.
    public static func isServing(baseURL: String, timeout: Duration = .seconds(2)) async -> Bool {
        guard let address = KitServerAddress(baseURL: baseURL) else { return false }
        let request = HTTPRequest(head: HTTPRequestHead(method: "GET", target: KitSession.target(transport: "polling")))
        guard case .success(let response) = await KitHTTPExchange.send(request, to: address, timeout: timeout) else { return false }
        return response.head.status == 200
    }

    /// Polls until the server serves or `timeout` passes (or `process`, if given, exits).
    public static func wait(baseURL: String, timeout: Duration, process: ChildProcess? = nil) async throws(TargetError) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await isServing(baseURL: baseURL, timeout: min(.seconds(2), max(.milliseconds(100), ContinuousClock.now.duration(to: deadline)))) { return }
            if let process, process.hasExited {
                throw TargetError("the server command exited (status \(process.exitCode.map(String.init) ?? "by signal")) before serving at \(baseURL)")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        throw TargetError("the server at \(baseURL) did not answer a polling handshake within \(KitFormat.duration(timeout))")
    }
}
