/// Host and port of the server under test, from its base URL (`http://host:port`).
package struct KitServerAddress: Sendable, Equatable {
    package var host: String
    package var port: Int
    /// The `Host` header value.
    package var hostHeader: String

    /// Parses `http://host[:port][/…]`; IPv6 literals in brackets. nil when it is not such a URL.
    package init?(baseURL: String) {
        guard baseURL.hasPrefix("http://") else { return nil }
        var rest = Substring(baseURL.dropFirst("http://".count))
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        guard !rest.isEmpty else { return nil }
        hostHeader = String(rest)
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.isEmpty {
                port = 80
            } else {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()), (1...65535).contains(number) else { return nil }
                port = number
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else { return nil }
            port = number
        } else {
            host = String(rest)
            port = 80
        }
        guard !host.isEmpty else { return nil }
    }
}
