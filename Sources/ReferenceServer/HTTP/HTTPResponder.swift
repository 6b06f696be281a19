import MessageStore
import WireCodecs

/// What answers HTTP requests on one connection (`HTTPConnectionHandler`; a stand-in in tests).
protocol HTTPResponder: AnyObject {
    /// Supplies the answer to request `sequence`, written once every earlier one is.
    func complete(sequence: UInt64, response: HTTPResponse, closesConnection: Bool)
    /// Supplies the `201` of a committed `POST /messages` (Spec SEND-1).
    func completeCreated(sequence: UInt64, message: StoredMessage, origin: RequestOrigin?)
    /// Answers 101 to request `sequence` and carries the connection over to WebSocket (RFC 6455 §4.2.2);
    /// `sid` nil opens a WebSocket-only session.
    func upgrade(sequence: UInt64, key: String, sid: String?)
}
