import ConformanceKit
import NetworkCore

/// One entry point of the deployment under bench: where its sessions and POST connections connect, and
/// the request head prefix its POSTs carry (the `Host` header is the node's own).
struct BenchEndpoint: Sendable {
    let host: String
    let port: Int
    let hostHeader: String
    /// `POST /messages HTTP/1.1`, Host and Content-Type, each with its line break: the header fields
    /// that precede the run's `Authorization` (if any) and `Content-Length`.
    let requestHeadPrefix: [UInt8]
    static let contentLengthName = Array("Content-Length: ".utf8)

    /// Resolves a host name once, here (off the bench's loops, which would otherwise resolve it for each
    /// of thousands of connections, blocking while they do); a name that does not resolve is kept, and
    /// the connections report it.
    init(_ address: KitServerAddress) {
        host = (try? HostResolver.numericAddress(of: address.host)) ?? address.host
        port = address.port
        hostHeader = address.hostHeader
        requestHeadPrefix = Array("POST /messages HTTP/1.1\r\nHost: \(address.hostHeader)\r\nContent-Type: application/json\r\n".utf8)
    }
}
