import Foundation
import MessageStore
import ReferenceServer
import WireCodecs

/// Messenger faults: join, delivery, privacy, ordering, disconnection (Spec JOIN, DELIVER, ORDER, DISCONNECT).
enum MessengerMutants {
    static let all: [Mutant] = [
        doubleAllMessages, historyBySender, historyReceivedOnly, historyToAllSessions, doubleJoinDuplicates,
        rebindKeepsOldUser, stringifyJoinArgument, dropSecondSession, echoToSender, leakToThirdUser,
        deliverBeforeJoin, reorderOneReceiver, ordersDifferOnTwoSessions, historyNewestFirst,
        ignoresSocketIODisconnect, disconnectForgetsUser, slowFanOut,
    ]

    /// Rewrites each `emitNewMessage` action's recipients.
    static func recipients(
        _ rewrite: @escaping @Sendable (StoredMessage, [SessionID], MessengerState) -> [SessionID]
    ) -> @Sendable ([MessengerState.Action], MessengerState) -> [MessengerState.Action] {
        { actions, state in
            actions.map { action in
                guard case .emitNewMessage(let message, let sessions) = action else { return action }
                return .emitNewMessage(message, to: rewrite(message, sessions, state))
            }
        }
    }

    /// The part of a kit user name that names its run and scenario (`hint-<run>-<scenario>-n`): the
    /// "broadcast" mutants stay within it so that scenarios running at the same time are not disturbed.
    static func scenarioTag(_ user: String) -> String {
        let parts = user.split(separator: "-")
        return parts.count >= 3 ? parts.dropLast().suffix(2).joined(separator: "-") : user
    }

    static let slowFanOut = Mutant(
        "slow-fan-out", fault: "holds every new_message 1.5 s after its 201 (a slow fan-out queue)", breaks: ["DELIVER-4"],
        fails: ["delivery/latency"],
        concurrency: 8  // every delivery waits 1.5 s: run more scenarios at once
    ) { _ in
        var hooks = ServerHooks()
        hooks.newMessageDelay = .milliseconds(1_500)
        return hooks
    }

    static let doubleAllMessages = Mutant(
        "double-all-messages", fault: "emits all_messages twice per join (once on join, once after loading)", breaks: ["JOIN-1"],
        fails: ["join/basic"], skips: SkipSets.afterJoinBasic
    ) { _ in
        var hooks = ServerHooks()
        hooks.messengerActions = { actions, _ in
            actions.flatMap { action -> [MessengerState.Action] in
                if case .emitAllMessages = action { return [action, action] }
                return [action]
            }
        }
        return hooks
    }

    static let historyBySender = Mutant(
        "history-by-sender", fault: "keys all_messages by sender, so the user's own messages sit under its own name", breaks: ["JOIN-2"],
        fails: ["join/history-shape"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.messengerActions = { actions, _ in
            actions.map { action in
                guard case .emitAllMessages(let session, _, let messages) = action else { return action }
                return .emitAllMessages(session, user: "", messages: messages)
            }
        }
        return hooks
    }

    static let historyReceivedOnly = Mutant(
        "history-received-only", fault: "lists only received messages in all_messages (WHERE receiver = ?)", breaks: ["JOIN-3"],
        fails: ["join/history-shape"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.messengerActions = { actions, _ in
            actions.map { action in
                guard case .emitAllMessages(let session, let user, let messages) = action else { return action }
                return .emitAllMessages(session, user: user, messages: messages.filter { $0.receiver == user })
            }
        }
        return hooks
    }

    static let historyToAllSessions = Mutant(
        "history-to-all-sessions", fault: "emits all_messages to every session of the user (to the user's room)", breaks: ["JOIN-4"],
        fails: ["join/only-to-joiner"],
        // The extra all_messages for the staying session's join may reach the leaving one after its DISCONNECT.
        mayFail: ["disconnect/socketio-disconnect"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.messengerActions = { actions, state in
            actions.flatMap { action -> [MessengerState.Action] in
                guard case .emitAllMessages(let session, let user, let messages) = action else { return [action] }
                let others = state.sessions(of: user).filter { $0 != session && state.isBound($0) }
                return [action] + others.map { .emitAllMessages($0, user: user, messages: messages) }
            }
        }
        return hooks
    }

    static let doubleJoinDuplicates = Mutant(
        "double-join-duplicates", fault: "adds the session to the user's list on every join: a double join delivers twice",
        breaks: ["JOIN-5"], fails: ["join/double-join"]
    ) { _ in
        let joins = Shared<[SessionID: [String]]>([:])
        var hooks = ServerHooks()
        hooks.messengerActions = { actions, state in
            for action in actions {
                if case .loadHistory(let session, let user, _) = action { joins.with { $0[session, default: []].append(user) } }
            }
            return recipients { message, sessions, _ in
                sessions.flatMap { session in
                    Array(repeating: session, count: max(1, joins.with { $0[session] ?? [] }.filter { $0 == message.receiver }.count))
                }
            }(actions, state)
        }
        return hooks
    }

    static let rebindKeepsOldUser = Mutant(
        "rebind-keeps-old-user", fault: "a join with another name does not leave the previous user's room", breaks: ["JOIN-6"],
        fails: ["join/rebind"]
    ) { _ in
        let joined = Shared<[SessionID: Set<String>]>([:])
        var hooks = ServerHooks()
        // Messages to a user with no bound session make no action: the store tells which were committed.
        let store = DurabilityMutants.tapping(&hooks)
        hooks.messengerActions = { actions, state in
            for action in actions {
                if case .loadHistory(let session, let user, _) = action { joined.with { _ = $0[session, default: []].insert(user) } }
            }
            let stale = { (message: StoredMessage) -> [SessionID] in
                joined.with { table in
                    table.filter { $0.value.contains(message.receiver) && state.isBound($0.key) && state.user(of: $0.key) != message.receiver }
                        .map(\.key).sorted { $0.value < $1.value }
                }
            }
            let committed = store.with { $0 }?.takeCommitted() ?? []
            var result = actions
            for message in committed {
                let extra = stale(message)
                guard !extra.isEmpty else { continue }
                if let index = result.firstIndex(where: { if case .emitNewMessage(let m, _) = $0 { m.id == message.id } else { false } }),
                   case .emitNewMessage(_, let sessions) = result[index] {
                    result[index] = .emitNewMessage(message, to: sessions + extra)
                } else {
                    result.append(.emitNewMessage(message, to: extra))
                }
            }
            return result
        }
        return hooks
    }

    static let stringifyJoinArgument = Mutant(
        "stringify-join-argument", fault: "accepts a non-string join, binding the session to its JSON text", breaks: ["JOIN-7"],
        fails: ["join/invalid-arguments"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.incomingEngineIO = { _, packet in
            guard var socketIO = Wire.socketIO(packet), let event = Wire.event(socketIO), event.name == "join",
                  let argument = event.arguments.first, argument.stringValue == nil else { return packet }
            socketIO.data = .array([.string("join"), .string(JSONSerializer.serialize(argument))])
            return .message(socketIO.encoded())
        }
        return hooks
    }

    static let dropSecondSession = Mutant(
        "drop-second-session", fault: "keeps one session per user: only the user's first session gets new_message", breaks: ["DELIVER-1"],
        fails: [
            "delivery/fan-out", "join/only-to-joiner", "once/join-race", "order/live-per-pair", "order/across-sessions",
            "order/history-agrees", "disconnect/transport-close",
        ]
    ) { _ in
        var hooks = ServerHooks()
        hooks.messengerActions = recipients { _, sessions, _ in Array(sessions.prefix(1)) }
        return hooks
    }

    static let echoToSender = Mutant(
        "echo-to-sender", fault: "emits new_message to the sender's sessions too", breaks: ["DELIVER-2"], fails: ["privacy/other-users"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.messengerActions = recipients { message, sessions, state in
            message.sender == message.receiver ? sessions
                : sessions + state.sessions(of: message.sender).filter { state.isBound($0) }
        }
        return hooks
    }

    static let leakToThirdUser = Mutant(
        "leak-to-third-user", fault: "broadcasts new_message to every joined session (kept within the scenario's users)",
        breaks: ["DELIVER-2"], fails: ["privacy/other-users"]
    ) { _ in
        let users = Shared<[SessionID: String]>([:])
        var hooks = ServerHooks()
        hooks.messengerActions = { actions, state in
            for action in actions {
                if case .loadHistory(let session, let user, _) = action { users.with { $0[session] = user } }
            }
            return recipients { message, sessions, state in
                let tag = scenarioTag(message.receiver)
                let others = users.with { table in
                    table.filter { state.isBound($0.key) && state.user(of: $0.key) == $0.value && $0.value != message.receiver && scenarioTag($0.value) == tag }
                        .map(\.key)
                }
                return sessions + others.sorted { $0.value < $1.value }
            }(actions, state)
        }
        return hooks
    }

    static let deliverBeforeJoin = Mutant(
        "deliver-before-join", fault: "emits new_message to sessions that have not joined (those opened just before the receiver's)",
        breaks: ["DELIVER-3"], fails: ["privacy/unjoined-session"],
        // Other scenarios' unjoined sessions get messages too when their ids happen to neighbour a receiver's.
        // The exactly-once scenarios connect their sessions before joining them at chosen points.
        mayFail: ["join/only-to-joiner", "join/invalid-arguments", "extension/send-message-refusals", "once/join-race", "once/accepted-before-join"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.messengerActions = recipients { _, sessions, state in
            guard let newest = sessions.map(\.value).max() else { return sessions }
            let unjoined = state.unboundSessions.filter { $0.value < newest && $0.value + 3 >= newest }
            return sessions + unjoined
        }
        return hooks
    }

    /// Holds back the 25th `new_message` of the chosen sessions until the next one from the same sender.
    static func swapping(_ isChosen: @escaping @Sendable (_ session: SessionID, _ recipients: [SessionID]) -> Bool) -> @Sendable ([MessengerState.Action], MessengerState) -> [MessengerState.Action] {
        let counts = Shared<[SessionID: Int]>([:])
        let held = Shared<[SessionID: StoredMessage]>([:])
        return { actions, _ in
            actions.flatMap { action -> [MessengerState.Action] in
                guard case .emitNewMessage(let message, let sessions) = action else { return [action] }
                var now: [SessionID] = []
                var later: [MessengerState.Action] = []
                for session in sessions {
                    guard isChosen(session, sessions) else { now.append(session); continue }
                    let count = counts.with { table -> Int in
                        table[session, default: 0] += 1
                        return table[session, default: 0]
                    }
                    if count == 25 {
                        held.with { $0[session] = message }
                    } else if let early = held.with({ $0[session] }), early.sender == message.sender {
                        held.with { $0[session] = nil }
                        now.append(session)
                        later.append(.emitNewMessage(early, to: [session]))
                    } else {
                        now.append(session)
                    }
                }
                return (now.isEmpty ? [] : [.emitNewMessage(message, to: now)]) + later
            }
        }
    }

    static let reorderOneReceiver = Mutant(
        "reorder-one-receiver", fault: "a per-session send queue swaps two messages of one sender (the 25th with the next)",
        breaks: ["ORDER-1", "ORDER-4"], fails: ["order/live-per-pair", "order/across-sessions", "order/history-agrees", "once/join-race"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.messengerActions = swapping { _, _ in true }
        return hooks
    }

    static let ordersDifferOnTwoSessions = Mutant(
        "orders-differ-on-two-sessions", fault: "sessions are served by separate queues: one of them swaps two messages",
        breaks: ["ORDER-3"], fails: ["order/live-per-pair", "order/across-sessions", "order/history-agrees", "once/join-race"]
    ) { _ in
        var hooks = ServerHooks()
        // The receiver's second session (in id order) is the one with the swapping queue.
        hooks.messengerActions = swapping { session, recipients in recipients.count > 1 && recipients[1] == session }
        return hooks
    }

    static let historyNewestFirst = Mutant(
        "history-newest-first", fault: "lists all_messages newest first (ORDER BY timestamp DESC)", breaks: ["ORDER-2", "JOIN-3"],
        fails: [
            "join/history-shape", "order/history-per-pair", "once/join-race", "order/history-agrees", "durability/offline",
            "durability/restart", "durability/crash-acknowledged",
        ]
    ) { _ in
        var hooks = ServerHooks()
        hooks.messengerActions = { actions, _ in
            actions.map { action in
                guard case .emitAllMessages(let session, let user, let messages) = action else { return action }
                return .emitAllMessages(session, user: user, messages: messages.reversed())
            }
        }
        return hooks
    }

    static let ignoresSocketIODisconnect = Mutant(
        "ignores-socketio-disconnect", fault: "ignores the client's Socket.IO DISCONNECT: the session stays bound", breaks: ["DISCONNECT-1"],
        fails: ["disconnect/socketio-disconnect"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.incomingEngineIO = { _, packet in
            if let socketIO = Wire.socketIO(packet), socketIO.type == .disconnect, socketIO.namespace == "/" { return nil }
            return packet
        }
        return hooks
    }

    static let disconnectForgetsUser = Mutant(
        "disconnect-forgets-user", fault: "on any session's close, deletes the user's entry: the other sessions stop receiving",
        breaks: ["DISCONNECT-2", "DISCONNECT-1", "DISCONNECT-3"],
        fails: ["disconnect/socketio-disconnect", "disconnect/transport-close", "disconnect/heartbeat-timeout"]
    ) { _ in
        let joined = Shared<[SessionID: String]>([:])
        let forgotten = Shared<Set<String>>([])
        var hooks = ServerHooks()
        hooks.messengerActions = { actions, state in
            let closedUsers = joined.with { table -> [String] in
                let closed = table.filter { state.user(of: $0.key) == nil }
                for session in closed.keys { table[session] = nil }
                return Array(closed.values)
            }
            forgotten.with { $0.formUnion(closedUsers) }
            for action in actions {
                if case .loadHistory(let session, let user, _) = action {
                    joined.with { $0[session] = user }
                    forgotten.with { _ = $0.remove(user) }
                }
            }
            return recipients { message, sessions, _ in
                forgotten.with { $0.contains(message.receiver) } ? [] : sessions
            }(actions, state)
        }
        return hooks
    }
}
