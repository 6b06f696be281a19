import Testing
import NetworkCore

@Suite struct EventLoopGroupTests {
    @Test func nextCyclesThroughEveryLoop() throws {
        let group = try EventLoopGroup(loopCount: 3)
        defer { group.shutdown() }
        #expect(group.loops.count == 3)
        let picked = (0..<6).map { _ in group.next() }
        for (index, loop) in picked.enumerated() {
            #expect(loop === group.loops[index % 3])
        }
    }

    @Test func atLeastOneLoop() throws {
        let group = try EventLoopGroup(loopCount: 0)
        defer { group.shutdown() }
        #expect(group.loops.count == 1)
    }

    @Test func shutdownStopsEveryLoop() throws {
        let group = try EventLoopGroup(loopCount: 2)
        group.shutdown()
        let areShutDown = group.loops.allSatisfy(\.isShutDown)
        let refuseWork = group.loops.allSatisfy { !$0.execute { _ in } }
        #expect(areShutDown)
        #expect(refuseWork)
    }
}
