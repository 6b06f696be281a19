/// A value that lives on one event loop's thread: read and changed only there, which every access checks.
///
/// Confinement, not a lock (swift-nio's `NIOLoopBoundBox`): state the loop thread owns, reached by
/// `@Sendable` closures that run on the loop (work handed over with `EventLoop.execute`, a store's
/// completions hopping to the loop). A lock around such state would never be contended; this box says
/// what actually guards it, and traps on any access from another thread.
///
/// The project's one audited `@unchecked Sendable`: the compiler cannot see thread confinement, so it
/// is checked at run time instead, on every access to `value` (`EventLoop.isInLoopThread`). The value
/// is handed over at `init` (a `sending` value: nothing else holds it), which may run on any thread,
/// before the box is shared.
public final class LoopBound<Value>: @unchecked Sendable {
    /// The loop whose thread alone may touch the value.
    public let loop: EventLoop
    private var storage: Value

    /// Boxes `value` for `loop`; callable on any thread (nothing else can reach the value yet).
    public init(_ value: sending Value, loop: EventLoop) {
        self.loop = loop
        self.storage = value
    }

    /// The value, on the loop thread only (a precondition, in every build).
    public var value: Value {
        get {
            checkLoopThread()
            return storage
        }
        _modify {
            checkLoopThread()
            yield &storage
        }
        set {
            checkLoopThread()
            storage = newValue
        }
    }

    /// Runs `body` with the value in place, on the loop thread only.
    public func withValue<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        checkLoopThread()
        return try body(&storage)
    }

    private func checkLoopThread() {
        precondition(loop.isInLoopThread, "LoopBound value of loop \(loop.name) touched off its thread")
    }
}
