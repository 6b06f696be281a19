import Foundation
import NetworkCore

/// The bench's own event loop and the thread-safe face of the workload driver living on it: one
/// loop thread runs every bench connection, the async runner only steps it and polls it.
final class BenchEngine: Sendable {
    let loop: EventLoop
    /// The loop-confined driver; only the loop thread reaches it (inside `onLoop`).
    private let slot = DriverSlot()

    /// Holds the driver. @unchecked Sendable: `lock` guards `driver` (and only the loop thread takes it).
    private final class DriverSlot: @unchecked Sendable {
        private let lock = NSLock()
        private var driver: BenchDriver?

        func withDriver<Value>(_ body: (inout BenchDriver?) -> Value) -> Value {
            lock.lock()
            defer { lock.unlock() }
            return body(&driver)
        }
    }

    init() throws(NetworkError) {
        var configuration = NetworkConfiguration(log: { _ in })
        configuration.maxEventsPerWait = 1024
        configuration.maxPendingWriteBytes = 64 * 1024 * 1024
        loop = try EventLoop(configuration: configuration, name: "conform-bench")
    }

    /// Replaces the driver with a fresh one (closing the previous one's connections).
    func reset(
        endpoints: [BenchEndpoint], spread: BenchNodeSpread, content: BenchContent, users: Int, sessionsPerUser: Int, pipelineDepth: Int,
        seed: UInt64
    ) async {
        _ = try? await loop.submit { [slot] _ in
            slot.withDriver { driver in
                driver?.closeAll()
                driver = BenchDriver(
                    endpoints: endpoints, spread: spread, content: content, users: users, sessionsPerUser: sessionsPerUser,
                    pipelineDepth: pipelineDepth, seed: seed)
            }
        }
    }

    /// Runs `body` with the driver on the loop thread; nil if there is none or the loop has ended.
    func onLoop<Value: Sendable>(_ body: @escaping @Sendable (BenchDriver, LoopContext) -> Value) async -> Value? {
        try? await loop.submit { [slot] context in
            slot.withDriver { driver -> Value? in
                guard let driver else { return nil }
                return body(driver, context)
            }
        } ?? nil
    }

    /// Closes every connection of the current driver and drops it.
    func closeAll() async {
        _ = try? await loop.submit { [slot] _ in
            slot.withDriver { driver in
                driver?.closeAll()
                driver = nil
            }
        }
    }

    func shutdown() {
        loop.shutdown()
    }
}
