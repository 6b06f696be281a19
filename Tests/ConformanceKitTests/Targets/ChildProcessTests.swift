import Testing
@testable import ConformanceKit

struct ChildProcessTests {
    @Test func kill9ReapsTheKilledShell() async throws {
        let child = try ChildProcess.spawnShell("sleep 60 & sleep 60; wait")
        #expect(!child.hasExited)
        await child.kill9()
        #expect(child.hasExited)
        #expect(child.exitCode == nil, "killed by a signal, not exited")
        await child.kill9()  // again: nothing left to wait for, returns at once
    }
}
