import Dispatch
import NetworkCore
import Testing

@Suite struct LoopBoundTests {
    @Test func valueChangedOnTheLoopIsSeenByLaterWorkOnTheLoop() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let counter = LoopBound([Int](), loop: loop)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for _ in 0..<100 { loop.execute { _ in counter.value.append(thread) } }
        }
        let count = try await loop.submit { _ in counter.withValue { $0.count } }
        #expect(count == 400)
        let perThread = try await loop.submit { _ in (0..<4).map { thread in counter.value.filter { $0 == thread }.count } }
        #expect(perThread == [100, 100, 100, 100])
    }

    @Test func isCreatedOffTheLoopAndReadOnIt() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let box = LoopBound("handed over", loop: loop)
        let value = try await loop.submit { _ in box.value }
        #expect(value == "handed over")
    }

    @Test func readingOffTheLoopTraps() async throws {
        await #expect(processExitsWith: .failure) {
            let loop = try EventLoop()
            let box = LoopBound(1, loop: loop)
            _ = box.value
        }
    }

    @Test func changingOffTheLoopTraps() async throws {
        await #expect(processExitsWith: .failure) {
            let loop = try EventLoop()
            let box = LoopBound(1, loop: loop)
            box.withValue { $0 += 1 }
        }
    }
}
