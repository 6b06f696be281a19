import Dispatch
import Foundation
import MessageStore
import ReferenceServer
import Synchronization

/// Messages "on disk" per database path, shared by every store a run opens on that path, so that an
/// in-process restart finds what the previous server committed (and a crash loses what it had not).
final class MemoryStoreRegistry: Sendable {
    private let disks = Mutex<[String: [StoredMessage]]>([:])
    private let open = Mutex<[String: MemoryMessageStore]>([:])

    func committed(_ path: String) -> [StoredMessage] { disks.withLock { $0[path] ?? [] } }

    func append(_ messages: [StoredMessage], path: String) { disks.withLock { $0[path, default: []] += messages } }

    func register(_ store: MemoryMessageStore, path: String) { open.withLock { $0[path] = store } }

    /// The store currently open on `path`.
    func store(_ path: String) -> MemoryMessageStore? { open.withLock { $0[path] } }
}

/// A message store for mutants, in memory: optionally forgetting everything on close (no disk at all),
/// optionally acknowledging each message before committing it (the commit follows `commitDelay` later).
///
/// A crash of an in-process server cannot be a real `kill -9`: `crash()` models it by dropping the
/// messages acknowledged but not yet committed, and by closing without flushing them.
final class MemoryMessageStore: ServerMessageStore {
    struct State {
        var nextID: Int64
        var pending: [StoredMessage] = []
        var isWriterClosed = false
        var isCrashed = false
    }

    let path: String
    let registry: MemoryStoreRegistry
    let isPersistent: Bool
    let commitDelay: Duration?
    let deliver: @Sendable (_ completions: @escaping @Sendable () -> Void) -> Void
    private let state: Mutex<State>
    private let queue = DispatchQueue(label: "MemoryMessageStore")

    init(path: String, configuration: StoreConfiguration, registry: MemoryStoreRegistry, isPersistent: Bool, commitDelay: Duration? = nil) {
        self.path = path
        self.registry = registry
        self.isPersistent = isPersistent
        self.commitDelay = commitDelay
        self.deliver = configuration.deliverCompletions
        let lastID = isPersistent ? registry.committed(path).last?.id ?? 0 : 0
        self.state = Mutex(State(nextID: lastID + 1))
        registry.register(self, path: path)
    }

    private var memory: [StoredMessage] { isPersistent ? registry.committed(path) : volatileMessages.withLock { $0 } }
    private let volatileMessages = Mutex<[StoredMessage]>([])

    func submit(_ message: NewMessage, completion: @escaping MessageWriter.Completion) {
        queue.async { [self] in
            let stored: StoredMessage? = state.withLock { state in
                guard !state.isWriterClosed else { return nil }
                let stored = StoredMessage(
                    id: state.nextID, sender: message.sender, receiver: message.receiver, content: message.content,
                    timestamp: MessageTimestamp.string(from: Date()))
                state.nextID += 1
                if commitDelay != nil { state.pending.append(stored) }
                return stored
            }
            guard let stored else {
                deliver { completion(.failure(.closed)) }
                return
            }
            if let commitDelay {
                deliver { completion(.success(stored)) }  // acknowledged before it is committed
                queue.asyncAfter(deadline: .now() + .milliseconds(Int(commitDelay.components.seconds * 1000 + commitDelay.components.attoseconds / 1_000_000_000_000_000))) { [self] in
                    commitPending(upTo: stored.id)
                }
            } else {
                commit([stored])
                deliver { completion(.success(stored)) }
            }
        }
    }

    private func commit(_ messages: [StoredMessage]) {
        if isPersistent { registry.append(messages, path: path) } else { volatileMessages.withLock { $0 += messages } }
    }

    private func commitPending(upTo id: Int64) {
        let due: [StoredMessage] = state.withLock { state in
            guard !state.isCrashed else { return [] }
            let due = state.pending.prefix { $0.id <= id }
            state.pending.removeFirst(due.count)
            return Array(due)
        }
        commit(due)
    }

    func history(for user: String, completion: @escaping @Sendable (Result<[StoredMessage], StorageError>) -> Void) {
        queue.async { [self] in
            completion(.success(memory.filter { $0.sender == user || $0.receiver == user }))
        }
    }

    func closeWriter() {
        queue.sync {
            let rest: [StoredMessage] = state.withLock { state in
                state.isWriterClosed = true
                let rest = state.isCrashed ? [] : state.pending
                state.pending = []
                return rest
            }
            commit(rest)
        }
    }

    var isWriterClosed: Bool { state.withLock { $0.isWriterClosed } }

    func close() { closeWriter() }

    /// The process dies: what was acknowledged but not committed is gone.
    func crash() {
        state.withLock { state in
            state.isCrashed = true
            state.pending = []
        }
    }
}
