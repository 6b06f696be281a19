/// Connection persistence and protocol upgrade, read from a head (RFC 9112 §9.3, RFC 9110 §7.8).
extension HTTPRequestHead {
    /// Whether the connection stays open after this request: HTTP/1.1 unless `Connection: close`;
    /// HTTP/1.0 only with `Connection: keep-alive` (RFC 9112 §9.3).
    public var isKeepAlive: Bool { HTTPHeaders.isKeepAlive(headers, version: version) }

    /// Whether the request asks to switch protocols: an `Upgrade` field and `upgrade` among the
    /// `Connection` options (RFC 9110 §7.8).
    public var isUpgradeRequest: Bool {
        !headers.tokens(for: "Upgrade").isEmpty && headers.tokens(for: "Connection").contains("upgrade")
    }

    /// The protocols named by `Upgrade`, lowercased, e.g. `["websocket"]`.
    public var upgradeProtocols: [String] { headers.tokens(for: "Upgrade") }
}

extension HTTPResponseHead {
    /// Whether the connection stays open after this response, by the same rule as requests
    /// (RFC 9112 §9.3).
    public var isKeepAlive: Bool { HTTPHeaders.isKeepAlive(headers, version: version) }
}

extension HTTPHeaders {
    static func isKeepAlive(_ headers: HTTPHeaders, version: HTTPVersion) -> Bool {
        let options = headers.tokens(for: "Connection")
        if options.contains("close") { return false }
        if version.major > 1 || (version.major == 1 && version.minor >= 1) { return true }
        return options.contains("keep-alive")
    }
}
