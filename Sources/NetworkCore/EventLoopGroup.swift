import Synchronization

/// A fixed set of event loops handed out round-robin.
public final class EventLoopGroup: Sendable {
    /// The loops, each with its own thread.
    public let loops: [EventLoop]
    private let nextIndex = Atomic<Int>(0)

    /// Starts `loopCount` loops (at least one) named "<name>-<index>".
    ///
    /// - Throws: the first `EventLoop.init` failure (loops already started are shut down).
    public init(loopCount: Int, configuration: NetworkConfiguration = NetworkConfiguration(), name: String = "NetworkCore") throws(NetworkError) {
        var loops: [EventLoop] = []
        for index in 0..<max(1, loopCount) {
            do throws(NetworkError) {
                loops.append(try EventLoop(configuration: configuration, name: "\(name)-\(index)"))
            } catch {
                for loop in loops { loop.shutdown() }
                throw error
            }
        }
        self.loops = loops
    }

    /// The next loop, round-robin.
    public func next() -> EventLoop {
        let index = nextIndex.add(1, ordering: .relaxed).oldValue
        return loops[Int(UInt(bitPattern: index) % UInt(loops.count))]
    }

    /// Shuts every loop down (see `EventLoop.shutdown()`).
    public func shutdown() {
        for loop in loops { loop.shutdown() }
    }
}
