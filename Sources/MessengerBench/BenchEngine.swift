import Foundation
import NetworkCore

/// The bench's own event loop and the thread-safe face of the workload driver living on it: one
/// loop thread runs every bench connection, the async runner only steps it and polls it.
final class BenchEngine: Sendable {
    let loop: EventLoop
    /// The driver, confined to the loop's thread (`LoopBound`, checked on every access): every use is
    /// a task submitted to the loop.
    private let slot: LoopBound<BenchDriver?>

    init() throws(NetworkError) {
        var configuration = NetworkConfiguration(log: { _ in })
        configuration.maxEventsPerWait = 1024
        configuration.maxPendingWriteBytes = 64 * 1024 * 1024
        loop = try EventLoop(configuration: configuration, name: "conform-bench")
        slot = LoopBound(nil, loop: loop)
    }

    /// Replaces the driver with a fresh one (closing the previous one's connections).
    func reset(
        endpoints: [BenchEndpoint], spread: BenchNodeSpread, content: BenchContent, users: Int, sessionsPerUser: Int, pipelineDepth: Int,
        seed: UInt64
    ) async {
        _ = try? await loop.submit { [slot] _ in
            slot.withValue { driver in
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
            slot.withValue { driver -> Value? in
                guard let driver else { return nil }
                return body(driver, context)
            }
        } ?? nil
    }

    /// Closes every connection of the current driver and drops it.
    func closeAll() async {
        _ = try? await loop.submit { [slot] _ in
            slot.withValue { driver in
                driver?.closeAll()
                driver = nil
            }
        }
    }

    func shutdown() {
        loop.shutdown()
    }
}
