import Synchronization

/// Runs one scenario body against an overall timeout, without waiting for a body that ignores
/// cancellation: the first of body, timer and outer cancellation decides, the others are cancelled.
///
/// The timeout may grow while the body runs (the runner adds the server's advertised heartbeat once a
/// session has learnt it): when the timer fires it asks `limit` again and sleeps on while the answer
/// is later than the time already waited.
struct ScenarioExecution: Sendable {
    enum Outcome: Sendable {
        case passed
        case failed(ScenarioFailure)
        case inconclusive(ScenarioInconclusive)
        case unsupported(ScenarioUnsupported)
        case unexpectedError(String)
        case timedOut(Duration)
        case cancelled
    }

    /// The overall timeout, asked again each time the timer fires.
    var limit: @Sendable () -> Duration

    init(timeout: Duration) { limit = { timeout } }

    init(limit: @escaping @Sendable () -> Duration) { self.limit = limit }

    func run(_ body: @escaping @Sendable (ScenarioContext) async throws -> Void, context: ScenarioContext) async -> Outcome {
        let gate = Gate()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                gate.install(continuation)
                let bodyTask = Task {
                    let outcome = await Self.outcome { try await body(context) }
                    gate.resume(outcome)
                }
                let limit = self.limit
                let timerTask = Task {
                    let start = ContinuousClock.now
                    var waited = limit()
                    do {
                        while true {
                            try await Task.sleep(until: start + waited, clock: .continuous)
                            let grown = limit()
                            guard grown > waited else { break }
                            waited = grown
                        }
                        gate.resume(.timedOut(waited))
                    } catch {}
                }
                gate.adopt([bodyTask, timerTask])
            }
        } onCancel: {
            gate.resume(.cancelled)
        }
    }

    static func outcome(_ operation: () async throws -> Void) async -> Outcome {
        do {
            do {
                try await operation()
            } catch let error as KitClientError {
                throw error.finding  // what the scenario layer makes of the client's error
            }
            return .passed
        } catch let failure as ScenarioFailure {
            return .failed(failure)
        } catch let inconclusive as ScenarioInconclusive {
            return .inconclusive(inconclusive)
        } catch let unsupported as ScenarioUnsupported {
            return .unsupported(unsupported)
        } catch is CancellationError {
            return .cancelled
        } catch {
            return .unexpectedError(String(describing: error))
        }
    }

    /// Resumes the continuation exactly once and then cancels the tasks still running.
    private final class Gate: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Outcome, Never>?
            var decided: Outcome?
            var isResumed = false
            var tasks: [Task<Void, Never>] = []
        }

        private let state = Mutex(State())

        func install(_ continuation: CheckedContinuation<Outcome, Never>) {
            let decided: Outcome? = state.withLock { state in
                guard let decided = state.decided else {
                    state.continuation = continuation
                    return nil
                }
                state.isResumed = true
                return decided
            }
            if let decided { continuation.resume(returning: decided) }
        }

        func adopt(_ tasks: [Task<Void, Never>]) {
            let isResumed = state.withLock { state in
                state.tasks += tasks
                return state.isResumed
            }
            if isResumed { tasks.forEach { $0.cancel() } }
        }

        func resume(_ outcome: Outcome) {
            let (continuation, tasks): (CheckedContinuation<Outcome, Never>?, [Task<Void, Never>]) = state.withLock { state in
                guard state.decided == nil else { return (nil, []) }
                state.decided = outcome
                guard let continuation = state.continuation else { return (nil, []) }
                state.continuation = nil
                state.isResumed = true
                return (continuation, state.tasks)
            }
            continuation?.resume(returning: outcome)
            tasks.forEach { $0.cancel() }
        }
    }
}
