import Dispatch
import NetworkCore
#if canImport(Glibc)
import Glibc
#endif

/// The latency floor a disk sets for ANY server that makes each message durable before it answers.
///
/// The latency workload's open loop (message k due at `start + k / rate`) is replayed against the disk
/// alone, by the best server imaginable: no network, no parsing, no CPU cost, and group commit: each
/// round writes one page per message due by now and `fdatasync`s, and every message of the round is
/// "acknowledged" when that `fdatasync` returns. Latency is measured from each intended time, as the
/// latency workload does. A server's p99 cannot be below this floor's p99 on the same disk at the same
/// time; when the floor's p99 is above a latency target, the disk, not the server, misses it.
///
/// The rounds are the pure part (`run(rate:count:clock:sleep:commit:)`, clock and I/O passed in);
/// `measure(directory:…)` runs them with a real file in `directory` (which should be the directory of the
/// server's database), preallocated and overwritten in a ring as a reused write-ahead log is.
enum BenchDiskFloor {
    struct Outcome: Sendable {
        /// From each message's intended time to the end of the `fdatasync` that covered it.
        var latency = BenchHistogram()
        /// The duration of each write-and-`fdatasync` round.
        var roundDuration = BenchHistogram()
        var rounds = 0
        /// Why the measurement stopped early (a failed create, write or `fdatasync`); nil when it finished.
        var error: String?
    }

    /// Bytes written per message: one page, as small as a durable insert can be.
    static let bytesPerMessage = 4096
    /// The ring the rounds overwrite (a write-ahead log of this size is reused, not grown).
    static let ringBytes = 4 << 20

    /// The open loop, with the clock (nanoseconds), the sleep (until a clock value) and the round's I/O
    /// (write and sync `messages` pages) passed in. Stops at the first failing round.
    static func run(
        rate: Double, count: Int, start: UInt64,
        clock: () -> UInt64, sleep: (UInt64) -> Void, commit: (_ messages: Int) -> String?
    ) -> Outcome {
        var outcome = Outcome()
        func intended(_ index: Int) -> UInt64 { start &+ UInt64((Double(index) / rate * 1e9).rounded()) }
        var next = 0
        while next < count {
            let now = clock()
            var due = next
            while due < count, intended(due) <= now { due += 1 }
            guard due > next else {
                sleep(intended(next))
                continue
            }
            let roundStart = clock()
            if let error = commit(due - next) {
                outcome.error = error
                return outcome
            }
            let roundEnd = clock()
            outcome.rounds += 1
            outcome.roundDuration.record(roundEnd &- roundStart)
            for index in next..<due { outcome.latency.record(roundEnd &- intended(index)) }
            next = due
        }
        return outcome
    }

    /// Runs the open loop against a temporary file in `directory` (removed afterwards), on a thread of
    /// its own (it blocks in `fdatasync` and sleeps).
    static func measure(directory: String, rate: Int, duration: Duration) async -> Outcome {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: measureBlocking(directory: directory, rate: rate, duration: duration))
            }
        }
    }

    private static func measureBlocking(directory: String, rate: Int, duration: Duration) -> Outcome {
        var template = Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast())
        template += Array("conform-disk-floor-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            return Outcome(error: "cannot create a file in \(directory): \(NetworkError.message(for: errno))")
        }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer {
            close(descriptor)
            unlink(path)
        }
        let page = [UInt8](repeating: 0x6d, count: bytesPerMessage)
        var offset = 0
        func write(_ pages: Int) -> String? {
            for _ in 0..<pages {
                let written = page.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
                guard written == bytesPerMessage else {
                    return "write to \(path) failed: \(written < 0 ? NetworkError.message(for: errno) : "short write")"
                }
                offset = (offset + bytesPerMessage) % ringBytes
            }
            return nil
        }
        func sync() -> String? {
            fdatasync(descriptor) == 0 ? nil : "fdatasync of \(path) failed: \(NetworkError.message(for: errno))"
        }
        // Allocate the ring once, so that the rounds overwrite blocks as a reused log does.
        if let error = write(ringBytes / bytesPerMessage) ?? sync() { return Outcome(error: error) }
        offset = 0
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let count = max(1, Int((Double(rate) * seconds).rounded()))
        return run(
            rate: Double(rate), count: count, start: BenchClock.nanoseconds() + 1_000_000,
            clock: BenchClock.nanoseconds,
            sleep: { deadline in
                let now = BenchClock.nanoseconds()
                guard deadline > now else { return }
                var request = timespec(tv_sec: Int((deadline - now) / 1_000_000_000), tv_nsec: Int((deadline - now) % 1_000_000_000))
                _ = nanosleep(&request, nil)
            },
            commit: { messages in write(messages) ?? sync() })
    }
}
