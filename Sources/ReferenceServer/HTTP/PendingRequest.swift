import MessageStore
import NetworkCore
import WireCodecs

/// An HTTP request whose answer may be written later (a held poll, a POST waiting for its commit),
/// with the handler that writes it: whoever answers calls `responder` directly.
struct PendingRequest: Equatable {
    /// The connection's handler, which writes answers in request order.
    let responder: any HTTPResponder
    let connection: ConnectionID
    /// The request's place on its connection (answers go out in this order).
    let sequence: UInt64
    /// The request's `Origin`, for CORS.
    let origin: RequestOrigin?

    /// Names one request across connections (the key of a held poll).
    struct Key: Hashable {
        let connection: ConnectionID
        let sequence: UInt64
    }

    var key: Key { Key(connection: connection, sequence: sequence) }

    /// The same request: one connection carries one responder.
    static func == (left: PendingRequest, right: PendingRequest) -> Bool {
        left.key == right.key && left.origin == right.origin
    }
}

/// What answers HTTP requests on one connection (`HTTPConnectionHandler`; a recorder in tests).
protocol HTTPResponder: AnyObject {
    /// Supplies the answer to request `sequence`, written once every earlier one is.
    func complete(sequence: UInt64, response: HTTPResponse, closesConnection: Bool)
    /// Supplies the `201` of a committed `POST /messages` (Spec SEND-1).
    func completeCreated(sequence: UInt64, message: StoredMessage, origin: RequestOrigin?)
    /// Answers 101 to request `sequence` and carries the connection over to WebSocket (RFC 6455 §4.2.2);
    /// `sid` nil opens a WebSocket-only session.
    func upgrade(sequence: UInt64, key: String, sid: String?)
}
