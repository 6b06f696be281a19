import MessageStore
import WireCodecs

/// The `201 Created` answer to `POST /messages`, written straight into bytes (Spec SEND-1, CORS-1).
///
/// The server's hottest HTTP response: instead of building `HTTPHeaders` and serialising them, the
/// constant parts are prebuilt and only the origin, the `Connection` field, the length and the body
/// are written. The bytes are exactly those of
/// `HTTPResponse.json(status: 201, body: MessengerEvents.successBody(message), origin:)` serialised
/// after `HTTPConnectionHandler.complete` set `Connection` (tested against that path).
extension HTTPResponse {
    /// What `Connection` field the connection's state adds (RFC 9112 §9.3).
    enum ConnectionField {
        case none
        case close
        case keepAlive
    }

    private static let createdStatusLine = Array("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n".utf8)
    private static let anyOriginLines = Array("Access-Control-Allow-Origin: *\r\n".utf8)
    private static let originPrefix = Array("Access-Control-Allow-Origin: ".utf8)
    private static let credentialsLine = Array("\r\nAccess-Control-Allow-Credentials: true".utf8)
    private static let originSuffix = Array("\r\nVary: Origin\r\n".utf8)
    private static let connectionCloseLine = Array("Connection: close\r\n".utf8)
    private static let connectionKeepAliveLine = Array("Connection: keep-alive\r\n".utf8)
    private static let contentLengthPrefix = Array("Content-Length: ".utf8)

    /// The serialised `201` for a committed message.
    static func createdBytes(for message: StoredMessage, origin: RequestOrigin?, connection: ConnectionField) -> [UInt8] {
        let body = MessengerEvents.successBody(message)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(192 + (origin?.value.utf8.count ?? 0) + body.count)
        bytes.append(contentsOf: createdStatusLine)
        if let origin {
            bytes.append(contentsOf: originPrefix)
            // As `HTTPHeaders` serialises values: CR, LF and NUL become SP (no response splitting).
            for byte in origin.value.utf8 {
                bytes.append(byte == 0x0D || byte == 0x0A || byte == 0x00 ? 0x20 : byte)
            }
            if origin.isAllowListed { bytes.append(contentsOf: credentialsLine) }
            bytes.append(contentsOf: originSuffix)
        } else {
            bytes.append(contentsOf: anyOriginLines)
        }
        switch connection {
        case .none: break
        case .close: bytes.append(contentsOf: connectionCloseLine)
        case .keepAlive: bytes.append(contentsOf: connectionKeepAliveLine)
        }
        bytes.append(contentsOf: contentLengthPrefix)
        JSONSerializer.appendInteger(Int64(body.count), to: &bytes)
        bytes.append(contentsOf: [0x0D, 0x0A, 0x0D, 0x0A])
        bytes.append(contentsOf: body)
        return bytes
    }
}
