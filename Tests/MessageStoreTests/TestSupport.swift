import Foundation
import Synchronization
@testable import MessageStore

/// A fresh directory under the system temporary directory, for database files (WAL needs a real file).
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("MessageStoreTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Path of `name` inside the directory.
    func path(_ name: String = "messages.sqlite") -> String {
        url.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// A clock that starts at `start` and advances one millisecond per reading.
final class SteppingClock: Sendable {
    /// 2026-11-22T12:00:00.000Z.
    static let defaultStart: Int64 = 1_795_348_800_000
    private let nextMillisecond: Mutex<Int64>

    init(startMilliseconds: Int64 = SteppingClock.defaultStart) {
        nextMillisecond = Mutex(startMilliseconds)
    }

    func now() -> Date {
        let milliseconds = nextMillisecond.withLock { value in
            defer { value += 1 }
            return value
        }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// The timestamp of the reading with 0-based `index`.
    static func timestamp(_ index: Int, start: Int64 = SteppingClock.defaultStart) -> String {
        MessageTimestamp.string(millisecondsSince1970: start + Int64(index))
    }
}

/// Collects one result per index and calls `done` once all have arrived.
final class ResultCollector<Value: Sendable>: Sendable {
    private struct State: Sendable {
        var results: [Value?]
        var remaining: Int
    }

    private let state: Mutex<State>
    private let done: @Sendable ([Value]) -> Void

    init(count: Int, done: @escaping @Sendable ([Value]) -> Void) {
        state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count))
        self.done = done
        if count == 0 { done([]) }
    }

    func record(_ value: Value, at index: Int) {
        let finished = state.withLock { state -> [Value]? in
            guard state.results[index] == nil else { return nil }
            state.results[index] = value
            state.remaining -= 1
            return state.remaining == 0 ? state.results.compactMap { $0 } : nil
        }
        if let finished { done(finished) }
    }
}

/// Submits `message` and waits for its completion.
func submitAndWait(_ writer: MessageWriter, _ message: NewMessage) async -> Result<StoredMessage, StorageError> {
    await withCheckedContinuation { continuation in
        writer.submit(message) { continuation.resume(returning: $0) }
    }
}

/// Submits `messages` in order (holding the writer queue meanwhile if `asOneBatch`) and waits for all completions.
func submitAllAndWait(
    _ writer: MessageWriter, _ messages: [NewMessage], asOneBatch: Bool = false
) async -> [Result<StoredMessage, StorageError>] {
    await withCheckedContinuation { continuation in
        let collector = ResultCollector<Result<StoredMessage, StorageError>>(count: messages.count) {
            continuation.resume(returning: $0)
        }
        if asOneBatch { writer.suspendForTesting() }
        for (index, message) in messages.enumerated() {
            writer.submit(message) { collector.record($0, at: index) }
        }
        if asOneBatch { writer.resumeForTesting() }
    }
}

extension Result {
    /// The success value, or nil.
    var value: Success? {
        if case .success(let value) = self { return value }
        return nil
    }

    /// The failure, or nil.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// Messages `count` long, from `sender` to `receiver`, numbered in their content.
func numberedMessages(_ count: Int, from sender: String = "alice", to receiver: String = "bob") -> [NewMessage] {
    (0..<count).map { NewMessage(sender: sender, receiver: receiver, content: "message \($0)") }
}
