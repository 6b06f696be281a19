import MessageStore
import WireCodecs

/// Identifies one Socket.IO session (one Engine.IO session's `/` namespace) inside the server.
public struct SessionID: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public var description: String { "s\(value)" }
}

/// The messenger's application state: which session is bound to which user, and what each session
/// must be sent. A pure state machine: inputs are method calls, outputs are actions the I/O owner
/// carries out; it never touches sockets or storage.
///
/// Exactly once across a join (Spec ONCE-1 to ONCE-4): `join` moves the session to `joining` and asks
/// for the history; messages committed meanwhile are buffered; when the history arrives the session is
/// sent `all_messages`, then the buffered messages whose id is above the history's last id, and from
/// then on every committed message whose id is above the last one it was sent. Message ids increase in
/// commit order and commits reach this machine in that order, so nothing is missed or repeated.
public struct MessengerState: Sendable {
    /// What one session is bound to.
    enum Binding: Sendable {
        case unbound
        /// Waiting for the history of `user` requested under `token`.
        case joining(user: String, token: UInt64, buffered: [StoredMessage])
        case bound(user: String, lastDeliveredID: Int64)

        var user: String? {
            switch self {
            case .unbound: nil
            case .joining(let user, _, _), .bound(let user, _): user
            }
        }
    }

    /// What the I/O owner must do.
    public enum Action: Sendable, Equatable {
        /// Read the history of `user` and call `historyLoaded(session:token:messages:)`.
        case loadHistory(SessionID, user: String, token: UInt64)
        /// Emit `all_messages` for `user` built from `messages` (in id order) to the session.
        case emitAllMessages(SessionID, user: String, messages: [StoredMessage])
        /// Emit one `new_message` for `message` to each of these sessions.
        case emitNewMessage(StoredMessage, to: [SessionID])
        /// Emit an `error` event with this message to the session (Spec JOIN-7).
        case emitError(SessionID, message: String)
    }

    private var bindings: [SessionID: Binding] = [:]
    private var sessionsByUser: [String: Set<SessionID>] = [:]
    private var nextToken: UInt64 = 1

    public init() {}

    /// The number of sessions known (bound or not).
    public var sessionCount: Int { bindings.count }

    /// The user a session is bound or joining to.
    public func user(of session: SessionID) -> String? { bindings[session]?.user }

    /// Whether the session is bound (its join's `all_messages` has been sent).
    public func isBound(_ session: SessionID) -> Bool {
        if case .bound = bindings[session] { return true }
        return false
    }

    /// The sessions bound or joining to `user`, in id order.
    public func sessions(of user: String) -> [SessionID] {
        (sessionsByUser[user] ?? []).sorted { $0.value < $1.value }
    }

    /// The sessions connected to `/` that are bound or joining to no user, in id order.
    public var unboundSessions: [SessionID] {
        bindings.compactMap { $0.value.user == nil ? $0.key : nil }.sorted { $0.value < $1.value }
    }

    /// A Socket.IO session connected to `/`.
    public mutating func sessionOpened(_ session: SessionID) {
        bindings[session] = .unbound
    }

    /// The session closed (DISCONNECT, transport close, heartbeat timeout): it receives nothing more.
    public mutating func sessionClosed(_ session: SessionID) {
        guard let binding = bindings.removeValue(forKey: session) else { return }
        unindex(session, binding)
    }

    /// The session emitted `join` with these arguments (Spec JOIN-1, JOIN-5, JOIN-6, JOIN-7).
    public mutating func join(_ session: SessionID, arguments: [JSONValue]) -> [Action] {
        guard let binding = bindings[session] else { return [] }
        guard arguments.count >= 1, case .string(let user) = arguments[0], !user.isEmpty else {
            return [.emitError(session, message: "join needs a non-empty string user name")]
        }
        unindex(session, binding)
        let token = nextToken
        nextToken += 1
        bindings[session] = .joining(user: user, token: token, buffered: [])
        sessionsByUser[user, default: []].insert(session)
        return [.loadHistory(session, user: user, token: token)]
    }

    /// The history requested by `.loadHistory` arrived, in id order.
    public mutating func historyLoaded(session: SessionID, token: UInt64, messages: [StoredMessage]) -> [Action] {
        guard case .joining(let user, let expectedToken, let buffered)? = bindings[session], token == expectedToken else {
            return []  // The session closed or joined again meanwhile; a later load answers it.
        }
        var lastID = messages.last?.id ?? 0
        var actions: [Action] = [.emitAllMessages(session, user: user, messages: messages)]
        for message in buffered where message.id > lastID {
            actions.append(.emitNewMessage(message, to: [session]))
            lastID = message.id
        }
        bindings[session] = .bound(user: user, lastDeliveredID: lastID)
        return actions
    }

    /// The history requested by `.loadHistory` could not be read: the join fails as an invalid one does
    /// (Spec JOIN-7's outcome): an `error` event, nothing bound (what was buffered is dropped, the session
    /// no longer counts as the user's), and the session stays usable for a later `join`.
    public mutating func historyFailed(session: SessionID, token: UInt64) -> [Action] {
        guard let binding = bindings[session], case .joining(_, let expectedToken, _) = binding, token == expectedToken else {
            return []  // The session closed or joined again meanwhile.
        }
        unindex(session, binding)
        bindings[session] = .unbound
        return [.emitError(session, message: "could not load the history; join again")]
    }

    /// Messages were committed, in id order: fan each out to the receiver's sessions (Spec DELIVER-1).
    public mutating func messagesCommitted(_ messages: [StoredMessage]) -> [Action] {
        var actions: [Action] = []
        for message in messages {
            guard let sessions = sessionsByUser[message.receiver] else { continue }
            var recipients: [SessionID] = []
            recipients.reserveCapacity(sessions.count)
            for session in sessions {
                switch bindings[session] {
                case .bound(let user, let lastDeliveredID)?:
                    if message.id > lastDeliveredID {
                        recipients.append(session)
                        bindings[session] = .bound(user: user, lastDeliveredID: message.id)
                    }
                case .joining(let user, let token, var buffered)?:
                    // Release the stored copy first, so the append grows the buffer in place instead of
                    // copying every message buffered so far (quadratic over a long join).
                    bindings[session] = .unbound
                    buffered.append(message)
                    bindings[session] = .joining(user: user, token: token, buffered: buffered)
                case .unbound?, nil:
                    break
                }
            }
            if !recipients.isEmpty {
                recipients.sort { $0.value < $1.value }
                actions.append(.emitNewMessage(message, to: recipients))
            }
        }
        return actions
    }

    private mutating func unindex(_ session: SessionID, _ binding: Binding) {
        guard let user = binding.user else { return }
        sessionsByUser[user]?.remove(session)
        if sessionsByUser[user]?.isEmpty == true { sessionsByUser[user] = nil }
    }
}
