import Foundation
import Testing
@testable import ConformanceKit
@testable import MessengerBench

@Suite struct BenchDiskFloorTests {
    /// A clock that only moves when the loop sleeps or a round "takes" time.
    final class FakeTime {
        var now: UInt64 = 0
        var roundDurations: [UInt64]
        var rounds: [Int] = []
        init(roundDurations: [UInt64]) { self.roundDurations = roundDurations }

        func run(rate: Double, count: Int) -> BenchDiskFloor.Outcome {
            BenchDiskFloor.run(
                rate: rate, count: count, start: 0,
                clock: { self.now },
                sleep: { self.now = max(self.now, $0) },
                commit: { messages in
                    self.rounds.append(messages)
                    self.now += self.roundDurations.isEmpty ? 100_000 : self.roundDurations.removeFirst()
                    return nil
                })
        }
    }

    @Test func aFastDiskCommitsEachMessageInItsOwnRound() {
        let time = FakeTime(roundDurations: [])  // 0.1 ms per round, 1 ms between messages
        let outcome = time.run(rate: 1_000, count: 5)
        #expect(time.rounds == [1, 1, 1, 1, 1])
        #expect(outcome.rounds == 5)
        #expect(outcome.latency.count == 5)
        #expect(outcome.latency.value(atPercentile: 100) < 110_000)
        #expect(outcome.error == nil)
    }

    @Test func messagesDueDuringASlowRoundShareTheNextRoundAndCountTheirWaitFromTheirIntendedTime() {
        // Round 1 (message 0, due at 0) stalls 4.5 ms; messages 1...4 come due meanwhile (1, 2, 3, 4 ms).
        let time = FakeTime(roundDurations: [4_500_000, 500_000])
        let outcome = time.run(rate: 1_000, count: 6)
        #expect(time.rounds == [1, 4, 1])
        #expect(outcome.rounds == 3)
        #expect(outcome.latency.count == 6)
        // Message 1 was due at 1 ms and its round ended at 5 ms: 4 ms; message 0: 4.5 ms, the worst.
        let worst = outcome.latency.value(atPercentile: 100)
        #expect(worst >= 4_490_000 && worst <= 4_600_000, "\(worst)")
        #expect(outcome.roundDuration.value(atPercentile: 100) >= 4_490_000)
    }

    @Test func aFailingRoundStopsTheMeasurementWithItsReason() {
        var calls = 0
        var now: UInt64 = 0
        let outcome = BenchDiskFloor.run(
            rate: 1_000, count: 10, start: 0, clock: { now }, sleep: { now = max(now, $0) },
            commit: { _ in
                calls += 1
                return calls == 2 ? "fdatasync failed: Input/output error" : nil
            })
        #expect(outcome.error == "fdatasync failed: Input/output error")
        #expect(outcome.rounds == 1)
    }

    @Test func aRealDiskIsMeasuredAndTheFileRemoved() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("disk-floor-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = await BenchDiskFloor.measure(directory: directory, rate: 200, duration: .milliseconds(100))
        #expect(outcome.error == nil)
        #expect(outcome.latency.count == 20)
        #expect(outcome.rounds >= 1 && outcome.rounds <= 20)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func aMissingDirectoryIsReported() async {
        let outcome = await BenchDiskFloor.measure(directory: "/nonexistent-\(UUID().uuidString)", rate: 100, duration: .milliseconds(10))
        #expect(outcome.error?.hasPrefix("cannot create a file in /nonexistent-") == true, "\(outcome.error ?? "nil")")
        #expect(outcome.error?.contains("No such file or directory") == true)
        #expect(outcome.latency.count == 0)
    }
}
