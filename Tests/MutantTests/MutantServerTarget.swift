import ConformanceKit
import Dispatch
import Foundation
import MessageStore
import ReferenceServer
import Synchronization

/// What a mutant run needs of its server: a target the kit drives, stopped after the run.
protocol MutantTarget: ServerTarget {
    func stop() async
}

/// A mutant server in this process, on 127.0.0.1 with a temporary database, that the kit can restart
/// (stop, then start again on the same port and database) and "crash".
///
/// An in-process server cannot be killed with `kill -9`. A crash is modelled as: the open
/// `MemoryMessageStore` (if the mutant uses one) loses what it acknowledged but had not committed, then
/// the server stops and starts again. With the real SQLite store a 201 follows the commit, so an orderly
/// stop loses nothing a crash would keep.
///
/// Its store (the mutant's or the real one) sits behind a `FaultInjectingStore`, so the kit can make
/// the storage fail and recover (capability `.storageFault`, Spec SEND-6).
final class MutantServerTarget: MutantTarget {
    let directory: String
    let port: Int
    private let configuration: ServerConfiguration
    private let world: MutantWorld
    private let server: Mutex<ReferenceServer?>
    private let isStorageFaulted = Shared<Bool>(false)
    private let listening: KitListeningSocket

    init(mutant: Mutant?, world: MutantWorld = MutantWorld()) throws {
        directory = NSTemporaryDirectory() + "mutant-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.world = world
        // pingTimeout 4 s, not 1.5 s: at the start of a full `swift test` every suite starts at once, and a
        // fresh session's pong took longer than 1.5 s: websocket-only-drops-events (started in the first
        // batch) failed transport/connect-namespace in most full runs, its server's /metrics saying
        // `sessions_closed_total{reason="ping_timeout"} 3`. The mutant suite alone: 2 min 56 s before, 3 min 49 s after.
        var configuration = ServerConfiguration(
            port: 0, databasePath: directory + "/messages.db", pingInterval: 300, pingTimeout: 4_000, logLevel: .error)
        if let mutant {
            configuration.hooks = mutant.hooks(world)
            if mutant.isAuthenticated {
                configuration.authentication = AuthenticationConfiguration(secret: Mutant.secret, leewaySeconds: Mutant.leewaySeconds)
                configuration.allowedOrigins = [Mutant.allowedOrigin]
            }
        }
        let makeStore = configuration.hooks.makeStore
        let isStorageFaulted = self.isStorageFaulted
        configuration.hooks.makeStore = { path, storeConfiguration throws(StorageError) in
            let base: any ServerMessageStore
            if let makeStore {
                base = try makeStore(path, storeConfiguration)
            } else {
                base = try MessageStore(path: path, configuration: storeConfiguration)
            }
            return FaultInjectingStore(base: base, configuration: storeConfiguration, isFaulted: { isStorageFaulted.with { $0 } })
        }
        // The port is a socket this target holds for its whole life; each start of the server serves a
        // duplicate of it (the server closes its own at stop). A restart used to bind the port number
        // again, and once another test of the process had taken it in between ("bind failed: Address
        // already in use", refuse-upgrade's durability/restart inconclusive).
        let listening = try KitListeningSocket()
        self.listening = listening
        configuration.listenDescriptor = dup(listening.descriptor)
        let server = try ReferenceServer.start(configuration: configuration)
        self.port = server.port
        configuration.port = server.port
        self.configuration = configuration
        self.server = Mutex(server)
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func restart() async throws {
        try await cycle(isCrash: false)
    }

    func crash() async throws {
        try await cycle(isCrash: true)
    }

    private func cycle(isCrash: Bool) async throws {
        var next = self.configuration
        next.listenDescriptor = dup(listening.descriptor)
        let configuration = next
        let world = self.world
        let old = server.withLock { $0 }
        let started: Result<ReferenceServer, ReferenceServer.StartError> = await offThePool {
            if isCrash { world.stores.store(configuration.databasePath)?.crash() }
            old?.stop()
            return Result { () throws(ReferenceServer.StartError) in try ReferenceServer.start(configuration: configuration) }
        }
        switch started {
        case .success(let new): server.withLock { $0 = new }
        case .failure(let error): throw ScenarioInconclusive("the mutant server did not start again: \(error)")
        }
    }

    func failStorage() async throws { isStorageFaulted.with { $0 = true } }

    func recoverStorage() async throws { isStorageFaulted.with { $0 = false } }

    func stop() async {
        let current = server.withLock { $0 }
        await offThePool { current?.stop() }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Runs blocking work (a server stop waits for its loop) on a Dispatch thread, not the cooperative pool.
func offThePool<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}
