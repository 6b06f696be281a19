/// Receives a connection's events on its loop thread.
///
/// Every callback runs on the connection's loop thread. `connectionDidClose` is called exactly once per
/// connection: after a local `close()`, `closeAfterFlush()` completion, peer EOF (a read of 0, including a
/// half-close), a reset, a failed connect, an outbound overflow, or loop shutdown.
public protocol ConnectionHandler: AnyObject {
    /// The connection is established: an outgoing connect succeeded, or a listener accepted it (called
    /// right after `makeHandler`). Default: nothing.
    func connectionDidConnect(_ connection: Connection)

    /// Bytes arrived. `bytes` points into the loop's shared read buffer and is valid only during this
    /// call: parse or copy it before returning.
    func connectionDidRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer)

    /// Bytes that had to be buffered have now all been sent (`pendingWriteBytes` dropped to 0).
    /// Not called when a write went out completely at once. Default: nothing.
    func connectionWriteDidDrain(_ connection: Connection)

    /// The connection is closed; `error` is `nil` for an orderly close (local close or peer EOF).
    /// Called exactly once, never re-entrantly from inside `Connection.close()`.
    func connectionDidClose(_ connection: Connection, error: NetworkError?)
}

extension ConnectionHandler {
    public func connectionDidConnect(_ connection: Connection) {}
    public func connectionWriteDidDrain(_ connection: Connection) {}
}

/// Stands in between accepting a connection and `makeHandler` returning.
final class UnassignedConnectionHandler: ConnectionHandler {
    func connectionDidRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {}
    func connectionDidClose(_ connection: Connection, error: NetworkError?) {}
}
