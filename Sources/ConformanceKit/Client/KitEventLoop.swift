import NetworkCore
import Synchronization

/// The kit's one event loop: created on first use, shared by every connection of a run, shut down at
/// the end of the run (`shutdown()`); a later use creates a fresh one.
public enum KitEventLoop {
    private static let current = Mutex<EventLoop?>(nil)

    /// The running loop, started if needed.
    static func loop() throws(NetworkError) -> EventLoop {
        let result: Result<EventLoop, NetworkError> = current.withLock { current in
            if let loop = current, !loop.isShutDown { return .success(loop) }
            do throws(NetworkError) {
                let loop = try EventLoop(configuration: NetworkConfiguration(log: { _ in }), name: "conform-kit")
                current = loop
                return .success(loop)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Closes every kit connection and ends the loop thread. Idempotent.
    public static func shutdown() {
        let loop = current.withLock { current in
            defer { current = nil }
            return current
        }
        loop?.shutdown()
    }

    /// Runs `action` once `delay` has passed (on the loop thread; at once if there is no loop).
    static func after(_ delay: Duration, _ action: @escaping @Sendable () -> Void) {
        guard let loop = try? loop() else {
            action()
            return
        }
        let isAccepted = loop.execute { context in _ = context.scheduleTimer(after: max(.zero, delay)) { _ in action() } }
        if !isAccepted { action() }
    }
}
