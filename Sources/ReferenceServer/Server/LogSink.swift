import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where log lines go: a bounded buffer that one writer thread drains to a file descriptor, so that a
/// stalled stderr (a full pipe nobody reads) blocks that thread only, never the event loop. When the
/// buffer is full, lines are dropped and counted; the writer reports the count once it can write again.
public final class LogSink: Sendable {
    private struct State {
        var buffer: [UInt8] = []
        var droppedLines = 0
        var isWriting = false
    }

    /// The process's stderr, 1 MiB of buffer.
    public static let standardError = LogSink(descriptor: 2, capacity: 1 << 20)

    public let descriptor: Int32
    public let capacity: Int
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    public init(descriptor: Int32, capacity: Int) {
        self.descriptor = descriptor
        self.capacity = max(4_096, capacity)
        let thread = Thread { [self] in run() }
        thread.name = "log-sink-\(descriptor)"
        thread.start()
    }

    /// Queues one line (newline included); never blocks on the descriptor. False when it was dropped.
    @discardableResult
    public func write(_ line: String) -> Bool {
        var line = line
        let isQueued = line.withUTF8 { bytes in
            state.withLock { state -> Bool in
                guard state.buffer.count + bytes.count <= capacity else {
                    state.droppedLines += 1
                    return false
                }
                state.buffer.append(contentsOf: bytes)
                return true
            }
        }
        if isQueued { wake.signal() }
        return isQueued
    }

    /// Lines dropped so far because the buffer was full.
    public var droppedLines: Int { state.withLock { $0.droppedLines } }

    /// Waits up to `timeout` until everything queued has been written (tests, orderly stop).
    @discardableResult
    public func flush(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.buffer.isEmpty && !$0.isWriting }) { return true }
            var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            nanosleep(&pause, nil)
        }
        return false
    }

    private func run() {
        var reportedDrops = 0
        while true {
            wake.wait()
            let (bytes, dropped) = state.withLock { state -> ([UInt8], Int) in
                let taken = state.buffer
                state.buffer.removeAll(keepingCapacity: true)
                state.isWriting = !taken.isEmpty
                return (taken, state.droppedLines)
            }
            writeAll(bytes)
            if dropped > reportedDrops {
                writeAll(Array("reference-server warning: \(dropped - reportedDrops) log line(s) dropped: the log output was not being read\n".utf8))
                reportedDrops = dropped
            }
            state.withLock { $0.isWriting = false }
        }
    }

    /// Blocking writes until done; gives up on errors other than EINTR.
    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
