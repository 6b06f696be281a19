import Foundation
import MessageStore
import ReferenceServer
import Synchronization
import Testing
import WireCodecs

/// Spec SEND-6: a storage fault is 503 + `Retry-After` with a JSON error that names no SQL and no path,
/// `send_message` gets the same as an ack error, nothing is stored in part, and the server accepts again
/// by itself once the fault clears.
///
/// On a real full disk: a tmpfs (or a loop-mounted image) the test mounts and fills. Without the rights
/// to mount, on `FaultInjectingStore` (the real SQLite store refusing commits with `SQLITE_FULL`); the
/// test prints which it used.
@Suite("Storage faults", .serialized)
struct StorageFaultEndToEndTests {
    /// The disk, or the switch of the fault-injecting store.
    private enum Fault {
        case disk(SmallDisk)
        case injected(FaultSwitch)
    }

    @Test func aFullDiskIsAnswered503AndTheServerRecoversByItself() throws {
        let (disk, reason) = SmallDisk.mount(megabytes: 4)
        let fault: Fault = disk.map { .disk($0) } ?? .injected(FaultSwitch())
        defer { disk?.remove() }
        print("storage fault test: \(disk.map { "a 4 MiB \($0.kind), filled" } ?? "the fault-injecting store (\(reason))")")
        let databasePath = (disk?.directory ?? NSTemporaryDirectory()) + "/faults-\(UUID().uuidString).db"
        try withServer(databasePath: databasePath, { configuration in
            guard case .injected(let faultSwitch) = fault else { return }
            configuration.hooks.makeStore = { path, storeConfiguration throws(StorageError) in
                FaultInjectingStore(
                    base: try MessageStore(path: path, configuration: storeConfiguration), configuration: storeConfiguration,
                    isFaulted: { faultSwitch.isFull.load(ordering: .relaxed) })
            }
        }) { server in
            let padding = String(repeating: "x", count: 60_000)
            var accepted: [String] = []
            #expect(try postMessage(port: server.port, sender: "ann", receiver: "bob", content: "before").head.status == 201)
            accepted.append("before")
            let socket = try TestSocketIOClient(port: server.port)
            _ = try socket.join("ann")

            // The fault: the disk fills up (or the store is told to refuse).
            switch fault {
            case .disk(let disk): try disk.fill(leaving: 128 * 1024)
            case .injected(let faultSwitch): faultSwitch.isFull.store(true, ordering: .relaxed)
            }
            var refusal: HTTPResponse?
            for index in 0..<40 {
                let content = "fill-\(index)-\(padding)"
                let response = try postMessage(port: server.port, sender: "ann", receiver: "bob", content: content)
                if response.head.status == 201 {
                    accepted.append(content)
                    continue
                }
                refusal = response
                break
            }
            let refused = try #require(refusal, "no POST refused after filling the disk")
            #expect(refused.head.status == 503)
            #expect(refused.head.headers["Retry-After"] == "1")
            let error = try #require(refused.json?["error"]?.stringValue, "no JSON error: \(refused.text)")
            #expect(error == "message not stored: the disk is full; try again later")
            for leak in ["SQL", "COMMIT", "INSERT", "/", ".db"] { #expect(!error.contains(leak), "the error shows \(leak): \(error)") }

            // send_message meets the same fault as an ack error.
            try socket.emit("send_message", #"{"receiver":"bob","content":"over socket.io \#(padding)"}"#, ackID: 7)
            let ack = try #require(try socket.nextPacket())
            #expect(ack.type == .ack && ack.ackID == 7)
            #expect(ack.data?.arrayValue?.first?["error"]?.stringValue == "message not stored: the disk is full; try again later")

            // Sessions and reads keep being served during the fault.
            let reader = try TestSocketIOClient(port: server.port)
            let during = try #require(try reader.join("bob")?["ann"]?.arrayValue)
            #expect(during.compactMap { $0["content"]?.stringValue } == accepted)

            // The fault clears: the next POST is accepted, with no restart.
            switch fault {
            case .disk(let disk): disk.freeFiller()
            case .injected(let faultSwitch): faultSwitch.isFull.store(false, ordering: .relaxed)
            }
            #expect(try postMessage(port: server.port, sender: "ann", receiver: "bob", content: "after").head.status == 201)
            accepted.append("after")
            try socket.emit("send_message", #"{"receiver":"bob","content":"after over socket.io"}"#, ackID: 8)
            let recovered = try #require(try socket.nextPacket())
            #expect(recovered.data?.arrayValue?.first?["status"]?.stringValue == "success")
            accepted.append("after over socket.io")

            // Exactly the acknowledged messages are stored: nothing of the refused ones, nothing twice.
            let later = try TestSocketIOClient(port: server.port)
            let stored = try #require(try later.join("bob")?["ann"]?.arrayValue)
            #expect(stored.compactMap { $0["content"]?.stringValue } == accepted)
        }
    }

    @Test(arguments: [
        (StorageError.database(SQLiteError(code: 13, message: "database or disk is full", sql: "COMMIT TRANSACTION")), 503, "the disk is full"),
        (.database(SQLiteError(code: 778, message: "disk I/O error", sql: "COMMIT TRANSACTION")), 503, "a storage I/O error"),
        (.database(SQLiteError(code: 5, message: "database is locked", sql: "BEGIN IMMEDIATE TRANSACTION")), 503, "the database is busy"),
        (.database(SQLiteError(code: 8, message: "attempt to write a readonly database", sql: "INSERT INTO messages")), 503, "the database is read-only"),
        (.closed, 503, "the server is shutting down"),
        (.database(SQLiteError(code: 1299, message: "NOT NULL constraint failed: messages.sender", sql: "INSERT INTO messages")), 500, "internal storage error"),
    ])
    func storageErrorsAreAnsweredByKind(error: StorageError, status: Int, summary: String) throws {
        #expect(error.summary == summary)
        #expect(error.isStorageFault == (status == 503))
    }
}
