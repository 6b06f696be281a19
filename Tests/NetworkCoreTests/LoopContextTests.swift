import Testing
import NetworkCore
import Synchronization

@Suite struct LoopContextTests {
    @Test func timersFireInDeadlineOrderOnTheLoop() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let fired = SharedList<String>()
        try await loop.submit { context in
            for (name, milliseconds) in [("d", 40), ("b", 10), ("c", 20), ("a", 0), ("b2", 10)] {
                context.scheduleTimer(after: .milliseconds(milliseconds)) { context in
                    fired.append(context.eventLoop.isInLoopThread ? name : "off-loop")
                }
            }
        }
        #expect(await eventually { fired.values.count == 5 })
        #expect(fired.values == ["a", "b", "b2", "c", "d"])
    }

    @Test func timersDoNotFireBeforeTheirDeadline() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let lateness = SharedList<Duration>()
        try await loop.submit { context in
            let deadline = context.now.advanced(by: .milliseconds(30))
            context.scheduleTimer(at: deadline) { _ in lateness.append(deadline.duration(to: .now)) }
        }
        #expect(await eventually { lateness.values.count == 1 })
        #expect(lateness.values.allSatisfy { $0 >= .zero })
    }

    @Test func cancelledTimersDoNotFire() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let fired = SharedList<Int>()
        try await loop.submit { context in
            let cancelled = context.scheduleTimer(after: .milliseconds(10)) { _ in fired.append(1) }
            context.scheduleTimer(after: .milliseconds(20)) { _ in fired.append(2) }
            let cancelledLater = context.scheduleTimer(after: .milliseconds(30)) { _ in fired.append(3) }
            context.scheduleTimer(after: .milliseconds(40)) { _ in fired.append(4) }
            #expect(context.cancelTimer(cancelled))
            #expect(!context.cancelTimer(cancelled))
            context.scheduleTimer(after: .milliseconds(15)) { context in
                #expect(context.cancelTimer(cancelledLater))
            }
        }
        #expect(await eventually { fired.values.contains(4) })
        #expect(fired.values == [2, 4])
        #expect(try await loop.submit { $0.timerCount } == 0)
    }

    @Test func timerCanRescheduleItself() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let ticks = Atomic<Int>(0)
        try await loop.submit { context in
            func tick(_ context: LoopContext) {
                if ticks.add(1, ordering: .relaxed).newValue < 5 {
                    context.scheduleTimer(after: .zero, tick)
                }
            }
            context.scheduleTimer(after: .zero, tick)
        }
        #expect(await eventually { ticks.load(ordering: .relaxed) == 5 })
    }

    @Test func nowAdvances() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let first = try await loop.submit { $0.now }
        try await Task.sleep(for: .milliseconds(5))
        let second = try await loop.submit { $0.now }
        #expect(first < second)
    }

    @Test func connectionLookupFindsOpenConnectionsOnly() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let log = ConnectionLog()
        let port = try await startEchoServer(on: loop, log: log)
        let id = try await loop.submit { context in
            context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: log)).id
        }
        #expect(await eventually { log.record(id).connectCount == 1 })
        let isFound = try await loop.submit { context in
            let found = context.connection(id)
            found?.close()
            return found?.id == id
        }
        #expect(isFound)
        #expect(try await loop.submit { $0.connection(id) == nil })
        #expect(try await loop.submit { $0.connection(ConnectionID(rawValue: .max)) == nil })
    }

    @Test func listenRejectsBadAddresses() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        await #expect(throws: NetworkError.invalidPort(-1)) {
            try await loop.submit { context throws(NetworkError) in
                _ = try context.listen(host: "127.0.0.1", port: -1) { _ in RecordingHandler(log: ConnectionLog()) }
            }
        }
        let error = await #expect(throws: NetworkError.self) {
            try await loop.submit { context throws(NetworkError) in
                _ = try context.listen(host: "no such host.invalid", port: 0) { _ in RecordingHandler(log: ConnectionLog()) }
            }
        }
        guard case .addressResolution(let host, _)? = error else {
            Issue.record("expected addressResolution, got \(String(describing: error))")
            return
        }
        #expect(host == "no such host.invalid")
    }
}
