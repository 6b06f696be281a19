import Foundation
import ReferenceServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct LogSinkTests {
    /// A log output nobody reads (a full pipe) must not block the caller: lines are dropped and counted,
    /// and the writer reports the count once the output drains.
    @Test func aStalledOutputNeverBlocksTheCaller() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let sink = LogSink(descriptor: descriptors[1], capacity: 64 * 1024)
        defer {
            // The sink's thread must be done writing before the pipe closes: the test process is shared,
            // and a write to a closed descriptor number lands in whatever another test opened under it.
            // A writer still blocked on the pipe keeps both ends: a leak in a failed test, not a stray write.
            let isFlushed = sink.flush(timeout: .seconds(5))
            #expect(isFlushed)
            if isFlushed {
                close(descriptors[0])
                close(descriptors[1])
            }
        }
        let line = String(repeating: "x", count: 99) + "\n"
        let started = ContinuousClock.now
        for _ in 0..<20_000 { sink.write(line) }  // 2 MB against a 64 KiB pipe and a 64 KiB buffer
        let elapsed = started.duration(to: .now)
        #expect(elapsed < .seconds(1), "20,000 lines took \(elapsed) with the output stalled")
        #expect(sink.droppedLines > 0)
        // Drain the pipe: the writer catches up and says how many lines it dropped.
        let flags = fcntl(descriptors[0], F_GETFL)
        _ = fcntl(descriptors[0], F_SETFL, flags | O_NONBLOCK)
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, !String(decoding: received.suffix(200), as: UTF8.self).contains("dropped") {
            let count = read(descriptors[0], &buffer, buffer.count)
            if count > 0 { received += buffer[0..<count] } else { usleep(1_000) }
        }
        let text = String(decoding: received, as: UTF8.self)
        #expect(text.contains("log line(s) dropped: the log output was not being read"))
    }
}
