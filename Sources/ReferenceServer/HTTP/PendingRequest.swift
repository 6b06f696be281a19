import NetworkCore

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
