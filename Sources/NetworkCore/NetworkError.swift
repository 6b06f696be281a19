#if canImport(Glibc)
import Glibc
#endif

/// A networking failure; system failures keep the call and its errno.
public enum NetworkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A system call failed; `errno` is the raw value (see `strerror`).
    case system(call: String, errno: Int32)
    /// An outgoing connect failed (refused, unreachable, timed out, ...).
    case connectFailed(errno: Int32)
    /// A host name or address could not be resolved.
    case addressResolution(host: String, message: String)
    /// The port is outside 0...65535.
    case invalidPort(Int)
    /// More than `maxPendingWriteBytes` were waiting to be sent (the peer is not reading).
    case outboundBufferOverflow(limit: Int)
    /// The event loop shut down (or was already shut down).
    case loopShutDown
    /// A descriptor handed over to listen on (socket activation) is not a listening TCP socket.
    case unusableListenDescriptor(descriptor: Int32, reason: String)

    /// The errno carried by `.system` or `.connectFailed`, if any.
    public var errno: Int32? {
        switch self {
        case .system(_, let code), .connectFailed(let code): code
        default: nil
        }
    }

    /// Whether this is the peer resetting the connection (ECONNRESET or EPIPE).
    public var isConnectionReset: Bool {
        guard case .system(_, let code) = self else { return false }
        return code == ECONNRESET || code == EPIPE
    }

    public var description: String {
        switch self {
        case .system(let call, let code):
            "\(call) failed: \(NetworkError.message(for: code)) (errno \(code))"
        case .connectFailed(let code):
            "connect failed: \(NetworkError.message(for: code)) (errno \(code))"
        case .addressResolution(let host, let message):
            "cannot resolve \"\(host)\": \(message)"
        case .invalidPort(let port):
            "invalid port \(port) (expected 0...65535)"
        case .outboundBufferOverflow(let limit):
            "outbound buffer overflow: more than \(limit) bytes pending (peer not reading)"
        case .loopShutDown:
            "event loop shut down"
        case .unusableListenDescriptor(let descriptor, let reason):
            "descriptor \(descriptor) is not a listening TCP socket: \(reason)"
        }
    }

    /// `strerror` text for an errno value.
    public static func message(for code: Int32) -> String {
        guard let text = strerror(code) else { return "unknown error" }
        return String(cString: text)
    }
}
