import Dispatch
import Foundation
import MessageStore
import ReferenceServer
import WireCodecs

/// Storage and exactly-once faults (Spec DURABLE, ONCE).
enum DurabilityMutants {
    static let all: [Mutant] = [
        memoryOnly, ackBeforeCommit, historyCache, lostDuringJoin, repeatedDuringJoin, newMessageBeforeHistory, firstLiveMessageLost,
    ]

    static let memoryOnly = Mutant(
        "memory-only", fault: "keeps messages in memory only: a restart loses them", breaks: ["DURABLE-1"],
        fails: ["durability/restart", "durability/crash-acknowledged", "durability/crash-delivered"]
    ) { world in
        var hooks = ServerHooks()
        hooks.makeStore = { path, configuration in
            MemoryMessageStore(path: path, configuration: configuration, registry: world.stores, isPersistent: false)
        }
        return hooks
    }

    static let ackBeforeCommit = Mutant(
        "ack-before-commit", fault: "answers 201 (and delivers) before the commit, which follows 300 ms later: a crash loses it",
        breaks: ["DURABLE-2", "DURABLE-3", "ONCE-3"],
        fails: ["send/storage-fault",
            "durability/crash-acknowledged", "durability/crash-delivered", "once/accepted-before-join", "once/join-race",
            "durability/offline", "extension/send-message", "join/history-shape", "order/history-per-pair", "send/invalid-bodies",
            "send/limits-and-unicode", "send/oversized", "send/server-timestamp",
        ],
        skips: ["extension/send-message-refusals"]
    ) { world in
        var hooks = ServerHooks()
        hooks.makeStore = { path, configuration in
            MemoryMessageStore(path: path, configuration: configuration, registry: world.stores, isPersistent: true, commitDelay: .milliseconds(300))
        }
        return hooks
    }

    static let historyCache = Mutant(
        "history-cache", fault: "serves all_messages from a per-user cache updated only by live deliveries", breaks: ["DURABLE-4"],
        fails: ["durability/offline"],
        // A join racing a delivery can find the message both in the cache and live: a duplicate, caught or not by timing.
        mayFail: ["once/join-race"]
    ) { _ in
        let cache = Shared<[String: [StoredMessage]]>([:])
        var hooks = ServerHooks()
        hooks.messengerActions = { actions, _ in
            actions.map { action in
                switch action {
                case .emitAllMessages(let session, let user, let messages):
                    let cached = cache.with { table -> [StoredMessage] in
                        if let cached = table[user] { return cached }
                        table[user] = messages
                        return messages
                    }
                    return .emitAllMessages(session, user: user, messages: cached)
                case .emitNewMessage(let message, _):
                    cache.with { table in
                        for user in Set([message.sender, message.receiver]) where table[user] != nil {
                            if table[user]?.contains(where: { $0.id == message.id }) == false { table[user]?.append(message) }
                        }
                    }
                    return action
                default:
                    return action
                }
            }
        }
        return hooks
    }

    /// The real store, watched: the last id committed and the messages committed since the last
    /// `takeCommitted()`; history answers optionally held back (read after `readDelay`, answered
    /// `answerDelay` later) so that joins overlap commits.
    final class TappedStore: ServerMessageStore {
        let base: MessageStore
        let lastCommittedID = Shared<Int64>(0)
        private let committed = Shared<[StoredMessage]>([])
        let readDelay: Int
        let answerDelay: Int

        init(path: String, configuration: StoreConfiguration, readDelay: Int = 0, answerDelay: Int = 0) throws(StorageError) {
            base = try MessageStore(path: path, configuration: configuration)
            let lastID = (try? base.reader.lastID()) ?? nil
            lastCommittedID.with { $0 = lastID ?? 0 }
            self.readDelay = readDelay
            self.answerDelay = answerDelay
        }

        func takeCommitted() -> [StoredMessage] { committed.with { list in defer { list = [] }; return list } }

        func submit(_ message: NewMessage, completion: @escaping MessageWriter.Completion) {
            base.submit(message) { [lastCommittedID, committed] result in
                if case .success(let stored) = result {
                    lastCommittedID.with { $0 = max($0, stored.id) }
                    committed.with { $0.append(stored) }
                }
                completion(result)
            }
        }

        func history(for user: String, completion: @escaping @Sendable (Result<[StoredMessage], StorageError>) -> Void) {
            guard readDelay > 0 || answerDelay > 0 else { return base.history(for: user, completion: completion) }
            let answerDelay = self.answerDelay
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(readDelay)) { [base] in
                base.history(for: user) { result in
                    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(answerDelay)) { completion(result) }
                }
            }
        }

        func closeWriter() { base.closeWriter() }
        var isWriterClosed: Bool { base.isWriterClosed }
        func close() { base.close() }
    }

    /// Installs a `TappedStore` and returns the slot it will be in.
    static func tapping(_ hooks: inout ServerHooks, readDelay: Int = 0, answerDelay: Int = 0) -> Shared<TappedStore?> {
        let store = Shared<TappedStore?>(nil)
        hooks.makeStore = { (path, configuration) throws(StorageError) -> any ServerMessageStore in
            let opened = try TappedStore(path: path, configuration: configuration, readDelay: readDelay, answerDelay: answerDelay)
            store.with { $0 = opened }
            return opened
        }
        return store
    }

    /// Hooks around a join's history: `rewrite` gets the join's actions (all_messages first, then the
    /// messages committed while the history was read) and the last committed id when the join began.
    static func joinHooks(
        _ rewrite: @escaping @Sendable (_ joinActions: [MessengerState.Action], _ idAtJoin: Int64) -> [MessengerState.Action]
    ) -> ServerHooks {
        let idAtJoin = Shared<[SessionID: Int64]>([:])
        var hooks = ServerHooks()
        let store = tapping(&hooks, readDelay: 25, answerDelay: 40)
        hooks.messengerActions = { actions, _ in
            if case .emitAllMessages(let session, _, _)? = actions.first {
                let atJoin = idAtJoin.with { $0.removeValue(forKey: session) } ?? 0
                return rewrite(actions, atJoin)
            }
            for action in actions {
                if case .loadHistory(let session, _, _) = action {
                    let last = store.with { $0?.lastCommittedID.with { $0 } } ?? 0
                    idAtJoin.with { $0[session] = last }
                }
            }
            return actions
        }
        return hooks
    }

    static let lostDuringJoin = Mutant(
        "lost-during-join", fault: "loses the messages committed while a join's history is read", breaks: ["ONCE-1"],
        fails: ["once/join-race"]
    ) { _ in
        joinHooks { actions, _ in Array(actions.prefix(1)) }
    }

    static let repeatedDuringJoin = Mutant(
        "repeated-during-join", fault: "repeats a message committed during a join in both all_messages and new_message", breaks: ["ONCE-1"],
        fails: ["once/join-race"],
        // The restart after the crash is followed by a join while the writers' last POSTs commit.
        mayFail: ["durability/crash-acknowledged"]
    ) { _ in
        joinHooks { actions, idAtJoin in
            guard case .emitAllMessages(let session, _, let messages)? = actions.first else { return actions }
            let repeated = messages.filter { $0.id > idAtJoin }.map { MessengerState.Action.emitNewMessage($0, to: [session]) }
            return [actions[0]] + repeated + actions.dropFirst()
        }
    }

    static let newMessageBeforeHistory = Mutant(
        "new-message-before-history", fault: "sends the messages committed during a join before its all_messages", breaks: ["ONCE-2"],
        fails: ["once/join-race"]
    ) { _ in
        joinHooks { actions, _ in Array(actions.dropFirst()) + actions.prefix(1) }
    }

    static let firstLiveMessageLost = Mutant(
        "first-live-message-lost", fault: "subscribes a joined session late: its first live message is lost", breaks: ["ONCE-4"],
        fails: ["robustness/advisory-header-floods", "robustness/advisory-chunk-sizes", "robustness/advisory-aborted-requests",
            "join/basic", "once/after-history", "transport/websocket-only", "transport/polling-only", "transport/max-payload",
            "robustness/malformed-http",
        ],
        skips: ["transport/version-on-every-request"] + SkipSets.afterJoinBasic + SkipSets.afterWebSocketOnly + ["transport/polling-upgrade", "transport/concurrent-poll", "transport/max-payload-413"]
    ) { _ in
        let fresh = Shared<Set<SessionID>>([])
        var hooks = ServerHooks()
        hooks.messengerActions = { actions, _ in
            actions.compactMap { action in
                switch action {
                case .emitAllMessages(let session, _, _):
                    fresh.with { _ = $0.insert(session) }
                    return action
                case .emitNewMessage(let message, let sessions):
                    let kept = sessions.filter { session in fresh.with { $0.remove(session) == nil } }
                    return kept.isEmpty ? nil : .emitNewMessage(message, to: kept)
                default:
                    return action
                }
            }
        }
        return hooks
    }
}
