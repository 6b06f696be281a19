import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// A resolved IPv4 or IPv6 socket address.
struct SocketAddress {
    var storage = sockaddr_storage()
    var length = socklen_t(0)

    /// The address family (AF_INET or AF_INET6).
    var family: Int32 {
        withUnsafePointer(to: storage) { clinux_address_family($0) }
    }

    init(storage: sockaddr_storage) {
        self.storage = storage
    }

    /// Resolves a numeric address or a host name.
    ///
    /// Host names go through `getaddrinfo`, which blocks the calling (loop) thread (`HostResolver` resolves
    /// off the loop first); numeric addresses
    /// ("127.0.0.1", "::1") never do. IPv4 results are preferred.
    init(host: String, port: Int, isPassive: Bool) throws(NetworkError) {
        guard (0...65535).contains(port) else { throw .invalidPort(port) }
        var storage = sockaddr_storage()
        var length = socklen_t(0)
        let status = host.withCString { clinux_resolve($0, Int32(port), isPassive ? 1 : 0, &storage, &length) }
        guard status == 0 else {
            let message = clinux_resolve_error_message(status).map { String(cString: $0) } ?? "error \(status)"
            throw .addressResolution(host: host, message: message)
        }
        self.storage = storage
        self.length = length
    }

    /// "a.b.c.d" or "v6" (no brackets); nil for other families.
    var numericHost: String? {
        var text = [CChar](repeating: 0, count: 64)
        var port: Int32 = 0
        let status = withUnsafePointer(to: storage) { address in
            text.withUnsafeMutableBufferPointer { clinux_format_host(address, $0.baseAddress!, $0.count, &port) }
        }
        guard status == 0 else { return nil }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// "a.b.c.d:port" or "[v6]:port"; "unknown" for other families.
    var description: String {
        var text = [CChar](repeating: 0, count: 64)
        let status = withUnsafePointer(to: storage) { address in
            text.withUnsafeMutableBufferPointer { clinux_format_address(address, $0.baseAddress!, $0.count) }
        }
        guard status == 0 else { return "unknown" }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
