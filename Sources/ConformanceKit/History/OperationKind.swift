/// What an operation of the history did.
public enum OperationKind: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// `POST /messages`.
    case post
    /// Emitting `join`.
    case join
    /// Receiving a Socket.IO event of this name (`all_messages`, `new_message`, `error`).
    case receive(event: String)
    /// Emitting another event (`send_message`, unknown names).
    case emit(event: String)
    /// Opening a session or connection.
    case connect
    /// Closing a session (Socket.IO DISCONNECT or transport close).
    case disconnect
    case restart
    case crash
    /// Anything else a scenario wants to record.
    case other(String)

    public var description: String {
        switch self {
        case .post: "post"
        case .join: "join"
        case .receive(let event): "receive(\(event))"
        case .emit(let event): "emit(\(event))"
        case .connect: "connect"
        case .disconnect: "disconnect"
        case .restart: "restart"
        case .crash: "crash"
        case .other(let name): name
        }
    }
}
