import Foundation

/// Runs scenarios against a target and collects their verdicts.
///
/// - Selection: `ScenarioFilter` over the options' filters and excludes (prerequisites pulled in).
/// - Prerequisites: a scenario runs only after all its prerequisites passed; otherwise it is skipped
///   with the reason (`prerequisite join/basic failed`).
/// - Capabilities: a scenario needing one the run lacks is skipped (`needs --restart-command`).
/// - Concurrency: independent scenarios run concurrently (a task group) up to `concurrency`, in the
///   given order; an exclusive scenario waits until nothing runs, and nothing starts while it runs.
/// - Heartbeat-bound scenarios (`Scenario.isHeartbeatBound`) are considered first and do not count
///   against `concurrency`: their long waits on the server's clock overlap each other and the rest.
/// - Timeout: a scenario still running after `scenarioTimeout × timeoutFactor`, plus twice the longest
///   pingInterval + pingTimeout its sessions were advertised, is inconclusive (the body is cancelled
///   and not waited for); any error other than the scenario errors is inconclusive with its description.
/// - Clean-up: actions registered with `ScenarioContext.addTeardown` run after the body ends (also on
///   failure or timeout), bounded by 5 s × timeout factor.
/// - Expectations: `fail` entries turn a failure into `expectedFailure` and a pass into
///   `unexpectedPass`; `flaky` entries turn a failure into `flakyFailure`.
public struct ConformanceRunner: Sendable {
    public var scenarios: [Scenario]
    public var options: RunnerOptions
    public var target: any ServerTarget

    public init(scenarios: [Scenario], options: RunnerOptions = RunnerOptions(), target: any ServerTarget) {
        self.scenarios = scenarios
        self.options = options
        self.target = target
    }

    /// The scenarios this run would run, in order.
    public var selectedScenarios: [Scenario] {
        ScenarioFilter(filters: options.filters, excludes: options.excludes).select(scenarios)
    }

    /// Runs the selected scenarios; `observer` receives progress events one at a time.
    public func run(observer: @escaping @Sendable (RunEvent) -> Void = { _ in }) async -> RunReport {
        let clock = KitClock()
        let runToken = options.runToken ?? Self.freshRunToken()
        let selected = selectedScenarios
        var metadata = RunMetadata(
            seed: options.seed, runToken: runToken, targetURL: target.entryPoints.joined(separator: " "), startedAt: Date(),
            isStrict: options.isStrict, timeoutFactor: options.timeoutFactor, concurrency: max(1, options.concurrency),
            filters: options.filters, excludes: options.excludes, capabilities: options.capabilities.sorted(),
            usesExpectations: !options.expectations.isEmpty
        )
        observer(.runStarted(metadata, scenarioCount: selected.count))
        let results = await schedule(selected, runToken: runToken, clock: clock, observer: observer)
        metadata.finishedAt = Date()
        let report = RunReport(metadata: metadata, results: results)
        observer(.runFinished(report))
        return report
    }

    // MARK: Scheduling

    private enum Readiness {
        case waiting
        case ready
        case blocked(String)
    }

    private func schedule(
        _ selected: [Scenario], runToken: String, clock: KitClock, observer: @escaping @Sendable (RunEvent) -> Void
    ) async -> [ScenarioResult] {
        let total = selected.count
        let limit = max(1, options.concurrency)
        var indexByID: [String: Int] = [:]
        for (index, scenario) in selected.enumerated() where indexByID[scenario.id] == nil { indexByID[scenario.id] = index }
        let knownIDs = Set(scenarios.map(\.id))
        var results: [ScenarioResult?] = Array(repeating: nil, count: total)
        // Heartbeat-bound scenarios first (stable): they start as soon as their prerequisites pass.
        var pending = selected.indices.filter { selected[$0].isHeartbeatBound } + selected.indices.filter { !selected[$0].isHeartbeatBound }
        var completed = 0

        func finish(_ index: Int, _ result: ScenarioResult) {
            results[index] = result
            completed += 1
            observer(.scenarioFinished(result, completed: completed, total: total))
        }

        func readiness(_ scenario: Scenario) -> Readiness {
            var isWaiting = false
            for prerequisite in scenario.prerequisites {
                guard let index = indexByID[prerequisite] else {
                    return .blocked(knownIDs.contains(prerequisite)
                        ? "prerequisite \(prerequisite) was not run (excluded)"
                        : "prerequisite \(prerequisite) is unknown")
                }
                guard let result = results[index] else {
                    isWaiting = true
                    continue
                }
                if !result.verdict.didPass { return .blocked(Self.prerequisiteReason(prerequisite, result.verdict)) }
            }
            return isWaiting ? .waiting : .ready
        }

        await withTaskGroup(of: (Int, ScenarioResult).self) { group in
            var running = 0
            var countedRunning = 0  // the running scenarios that count against `limit`
            var isExclusiveRunning = false
            while true {
                var mayLaunch = !isExclusiveRunning
                var index = 0
                while index < pending.count {
                    let scenarioIndex = pending[index]
                    let scenario = selected[scenarioIndex]
                    if indexByID[scenario.id] != scenarioIndex {
                        pending.remove(at: index)
                        finish(scenarioIndex, ScenarioResult(scenario: scenario.info, verdict: .skipped(reason: "duplicate scenario ID \(scenario.id)")))
                        continue
                    }
                    switch readiness(scenario) {
                    case .blocked(let reason):
                        pending.remove(at: index)
                        finish(scenarioIndex, ScenarioResult(scenario: scenario.info, verdict: .skipped(reason: reason), expectation: options.expectations[scenario.id]))
                        continue
                    case .waiting:
                        index += 1
                        continue
                    case .ready:
                        break
                    }
                    if let reason = Self.capabilityReason(scenario, capabilities: options.capabilities) {
                        pending.remove(at: index)
                        finish(scenarioIndex, ScenarioResult(scenario: scenario.info, verdict: .skipped(reason: reason), expectation: options.expectations[scenario.id]))
                        continue
                    }
                    guard mayLaunch else {
                        index += 1
                        continue
                    }
                    if scenario.isExclusive {
                        mayLaunch = false  // a barrier: nothing after it starts before it has run
                        guard running == 0 else {
                            index += 1
                            continue
                        }
                        isExclusiveRunning = true
                    }
                    let isCounted = !scenario.isHeartbeatBound
                    if isCounted, countedRunning >= limit {
                        index += 1
                        continue
                    }
                    pending.remove(at: index)
                    running += 1
                    if isCounted { countedRunning += 1 }
                    observer(.scenarioStarted(scenario.info))
                    group.addTask { (scenarioIndex, await self.runOne(scenario, runToken: runToken, clock: clock)) }
                    if isExclusiveRunning { mayLaunch = false }
                }
                if running == 0 {
                    // Whatever is left waits on prerequisites that can never finish: a cycle.
                    for scenarioIndex in pending {
                        let scenario = selected[scenarioIndex]
                        finish(scenarioIndex, ScenarioResult(scenario: scenario.info, verdict: .skipped(
                            reason: "prerequisites form a cycle (\(scenario.prerequisites.joined(separator: ", ")))")))
                    }
                    pending.removeAll()
                    break
                }
                guard let (scenarioIndex, result) = await group.next() else { break }
                running -= 1
                if !selected[scenarioIndex].isHeartbeatBound { countedRunning -= 1 }
                if selected[scenarioIndex].isExclusive { isExclusiveRunning = false }
                finish(scenarioIndex, result)
            }
        }
        return results.enumerated().map { index, result in
            result ?? ScenarioResult(scenario: selected[index].info, verdict: .inconclusive(reason: "the run was cancelled"))
        }
    }

    /// Why the run's capabilities keep the scenario from running: one it needs and lacks
    /// (`needs --restart-command`), or one that makes it meaningless (`not applicable with --auth-secret-file`).
    public static func capabilityReason(_ scenario: Scenario, capabilities: Set<Capability>) -> String? {
        let missing = scenario.needs.subtracting(capabilities).sorted()
        if !missing.isEmpty { return "needs " + missing.map(\.option).joined(separator: " and ") }
        let conflicting = scenario.conflicts.intersection(capabilities).sorted()
        if !conflicting.isEmpty { return "not applicable with " + conflicting.map(\.option).joined(separator: " and ") }
        return nil
    }

    private static func prerequisiteReason(_ id: String, _ verdict: Verdict) -> String {
        switch verdict {
        case .fail, .expectedFailure, .flakyFailure: "prerequisite \(id) failed"
        case .skipped: "prerequisite \(id) was skipped"
        case .inconclusive: "prerequisite \(id) was inconclusive"
        case .unsupported: "prerequisite \(id) is unsupported by the server"
        case .pass, .unexpectedPass: "prerequisite \(id) passed"
        }
    }

    // MARK: One scenario

    private func runOne(_ scenario: Scenario, runToken: String, clock: KitClock) async -> ScenarioResult {
        if let reason = target.serverExitReason {
            // A socket-activated server that exited: its port would hold every connection unanswered.
            return ScenarioResult(scenario: scenario.info, verdict: .inconclusive(reason: reason), startedAt: clock.now(), duration: .zero)
        }
        let context = ScenarioContext(
            scenarioID: scenario.id, seed: options.seed, runToken: runToken, timeoutFactor: options.timeoutFactor,
            capabilities: options.capabilities, target: target, clock: clock, wireTraceLimit: options.wireTraceLimit,
            authentication: options.authentication, allowedOrigin: options.allowedOrigin
        )
        let timeout = options.effectiveScenarioTimeout
        let startedAt = clock.now()
        let outcome = await ScenarioExecution { Self.scenarioLimit(timeout, heartbeatPeriod: context.heartbeatPeriod) }
            .run(scenario.body, context: context)
        let duration = clock.now() - startedAt
        _ = await ScenarioExecution(timeout: context.timeout(Self.teardownTimeout)).run({ await $0.runTeardowns() }, context: context)
        var result = ScenarioResult(scenario: scenario.info, verdict: .pass, startedAt: startedAt, duration: duration)
        switch outcome {
        case .passed:
            break
        case .failed(let failure):
            result.verdict = .fail
            result.expected = failure.expected
            result.actual = failure.actual
            result.witnesses = failure.witnesses
        case .inconclusive(let inconclusive):
            result.verdict = .inconclusive(reason: inconclusive.reason)
            result.witnesses = inconclusive.witnesses
        case .unsupported(let unsupported):
            result.verdict = .unsupported(reason: unsupported.reason)
        case .unexpectedError(let description):
            result.verdict = .inconclusive(reason: "unexpected error: \(description)")
        case .timedOut(let limit):
            let factor = options.timeoutFactor == 1 ? "" : " (timeout factor \(options.timeoutFactor))"
            result.verdict = .inconclusive(reason: "did not finish within \(Self.seconds(limit))\(factor)")
        case .cancelled:
            result.verdict = .inconclusive(reason: "cancelled before it could decide")
        }
        if result.verdict == .fail, let reason = target.serverExitReason {
            // Refused connections made this inconclusive when the server's port closed with it.
            result.verdict = .inconclusive(reason: reason)
        }
        if let expectation = options.expectations[scenario.id] {
            result.expectation = expectation
            switch (expectation.kind, result.verdict) {
            case (.fail, .fail): result.verdict = .expectedFailure(reason: expectation.reason)
            case (.fail, .pass): result.verdict = .unexpectedPass(reason: "listed as failing: \(expectation.reason)")
            case (.flaky, .fail): result.verdict = .flakyFailure(reason: expectation.reason)
            default: break
            }
        }
        switch result.verdict {
        case .pass, .skipped, .unsupported, .unexpectedPass:
            break
        case .fail, .inconclusive, .expectedFailure, .flakyFailure:
            result.wireTrace = context.wireTrace.entries
            result.droppedTraceEntries = context.wireTrace.droppedCount
            result.witnessOperations = context.history.operations(result.witnesses)
        }
        return result
    }

    /// A scenario's overall timeout: the scaled base, grown by twice the server's heartbeat cycle once
    /// a session has been told it (a heartbeat scenario waits for two pings, or for one cycle per
    /// transport at worst).
    static func scenarioLimit(_ base: Duration, heartbeatPeriod: Duration?) -> Duration {
        base + (heartbeatPeriod ?? .zero) * 2
    }

    /// How long clean-up actions may take after a scenario, before scaling.
    static let teardownTimeout: Duration = .seconds(5)

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }

    /// Eight base-36 characters from the system generator.
    static func freshRunToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        return String((0..<8).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
