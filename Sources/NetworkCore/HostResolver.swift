#if canImport(Glibc)
import Glibc
#endif

/// Host names to numeric addresses, for callers that must not resolve on a loop thread.
///
/// `LoopContext.connect(host:port:handler:)` resolves a host name with `getaddrinfo`, which blocks the
/// loop thread for as long as the resolver takes (seconds with a slow or unreachable DNS server) and so
/// delays every other connection of that loop. A client with one loop for many connections (the kit)
/// resolves first, off the loop, and connects to the numeric address.
public enum HostResolver {
    /// Whether `host` is a numeric IPv4 or IPv6 address ("127.0.0.1", "::1"): connecting to it never
    /// asks the resolver.
    public static func isNumeric(_ host: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return host.withCString { text in
            inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
        }
    }

    /// The numeric address `host` resolves to (IPv4 preferred, as `connect` does); `host` itself when it
    /// is numeric. Blocks while the resolver runs: call it off every event loop.
    ///
    /// - Throws: `NetworkError.addressResolution` when the name does not resolve.
    public static func numericAddress(of host: String) throws(NetworkError) -> String {
        if isNumeric(host) { return host }
        guard let numeric = try SocketAddress(host: host, port: 0, isPassive: false).numericHost else {
            throw .addressResolution(host: host, message: "no IPv4 or IPv6 address")
        }
        return numeric
    }
}
