import Testing
import NetworkCore
import Synchronization
import Dispatch

@Suite struct EventLoopTests {
    @Test func executeFromOtherThreadsRunsOnTheLoopInSubmissionOrder() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let order = SharedList<(thread: Int, sequence: Int)>()
        let offLoop = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for sequence in 0..<250 {
                loop.execute { context in
                    if !context.eventLoop.isInLoopThread { offLoop.add(1, ordering: .relaxed) }
                    order.append((thread, sequence))
                }
            }
        }
        #expect(await eventually { order.values.count == 1000 })
        let offLoopCount = offLoop.load(ordering: .relaxed)
        #expect(offLoopCount == 0)
        for thread in 0..<4 {
            let sequences = order.values.filter { $0.thread == thread }.map(\.sequence)
            #expect(sequences == Array(0..<250))
        }
    }

    @Test func isInLoopThreadIsFalseElsewhere() throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        #expect(!loop.isInLoopThread)
    }

    @Test func submitReturnsTheResultAndRethrows() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let isOnLoop = try await loop.submit { $0.eventLoop.isInLoopThread }
        #expect(isOnLoop)
        await #expect(throws: NetworkError.invalidPort(70000)) {
            try await loop.submit { context throws(NetworkError) in
                _ = try context.listen(host: "127.0.0.1", port: 70000) { _ in RecordingHandler(log: ConnectionLog()) }
            }
        }
    }

    @Test func executeFromTheLoopRunsLaterNotReentrantly() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let order = SharedList<String>()
        loop.execute { context in
            context.eventLoop.execute { _ in order.append("inner") }
            order.append("outer")
        }
        #expect(await eventually { order.values.count == 2 })
        #expect(order.values == ["outer", "inner"])
    }

    @Test func shutdownIsIdempotentAndRefusesLaterWork() async throws {
        let loop = try EventLoop()
        loop.shutdown()
        loop.shutdown()
        #expect(loop.isShutDown)
        #expect(!loop.execute { _ in })
        await #expect(throws: NetworkError.loopShutDown) {
            try await loop.submit { _ in 1 }
        }
    }

    @Test func concurrentShutdownsAllReturn() async throws {
        let loop = try EventLoop()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in loop.shutdown() }
        #expect(!loop.execute { _ in })
    }

    @Test func workQueuedBeforeShutdownStillRuns() async throws {
        let loop = try EventLoop()
        let ran = Atomic<Int>(0)
        for _ in 0..<100 {
            loop.execute { _ in ran.add(1, ordering: .relaxed) }
        }
        loop.shutdown()
        let ranCount = ran.load(ordering: .relaxed)
        #expect(ranCount == 100)
    }

    @Test func shutdownFromTheLoopThreadStartsShutdown() async throws {
        let loop = try EventLoop()
        loop.execute { context in context.eventLoop.shutdown() }
        #expect(await eventually { loop.isShutDown })
        loop.shutdown()  // Joins the thread from here.
        #expect(!loop.execute { _ in })
    }

    @Test func shutdownClosesEveryConnectionAndReportsEachOnce() async throws {
        let loop = try EventLoop()
        let serverLog = ConnectionLog()
        let clientLog = ConnectionLog()
        let port = try await startEchoServer(on: loop, log: serverLog)
        let clientIDs = try await loop.submit { context in
            (0..<5).map { _ in context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog)).id }
        }
        #expect(await eventually { serverLog.all.count == 5 && clientIDs.allSatisfy { clientLog.record($0).connectCount == 1 } })
        loop.shutdown()
        for id in clientIDs {
            #expect(clientLog.record(id).closeErrors == [.loopShutDown])
        }
        for record in serverLog.all.values {
            #expect(record.closeErrors == [.loopShutDown])
        }
    }

    @Test func timersArePendingUntilShutdownAndThenDropped() async throws {
        let loop = try EventLoop()
        let fired = Atomic<Bool>(false)
        _ = try await loop.submit { context in
            context.scheduleTimer(after: .seconds(60)) { _ in fired.store(true, ordering: .relaxed) }
        }
        loop.shutdown()
        let isFired = fired.load(ordering: .relaxed)
        #expect(!isFired)
    }
}
