import Foundation
import Synchronization
import Testing
@testable import ConformanceKit

@Suite struct ConformanceRunnerTests {
    func run(_ scenarios: [Scenario], _ options: RunnerOptions = RunnerOptions(runToken: "token"), observer: @escaping @Sendable (RunEvent) -> Void = { _ in }) async -> RunReport {
        await ConformanceRunner(scenarios: scenarios, options: options, target: FakeTarget()).run(observer: observer)
    }

    @Test func bodiesMapToVerdicts() async {
        struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }
        let report = await run([
            FakeScenario.make("a/pass"),
            FakeScenario.failing("a/fail"),
            FakeScenario.make("a/inconclusive") { _ in throw ScenarioInconclusive("server unreachable") },
            FakeScenario.make("a/unsupported", requirements: ["EXT-2"]) { _ in throw ScenarioUnsupported("no ack") },
            FakeScenario.make("a/error") { _ in throw Boom() },
        ])
        #expect(report.results.map(\.verdict) == [
            .pass, .fail, .inconclusive(reason: "server unreachable"), .unsupported(reason: "no ack"),
            .inconclusive(reason: "unexpected error: boom"),
        ])
        let failure = report.result("a/fail")
        #expect(failure?.expected == ["one all_messages"])
        #expect(failure?.actual == "none")
        #expect(failure?.witnesses == [OperationID(1)])
        #expect(report.exitStatus == .failure)
        #expect(report.metadata.runToken == "token")
        #expect(report.metadata.finishedAt != nil)
    }

    @Test func failureCarriesWireTraceAndWitnessOperations() async {
        let report = await run([FakeScenario.make("a/traced") { context in
            context.wireTrace.append(session: "bob#1", .sent, "42[\"join\",\"bob\"]")
            let id = context.history.observe(process: "bob#1", .receive(event: "error"), value: "{}")
            throw ScenarioFailure(expected: "all_messages", actual: "error event", witnesses: [id])
        }, FakeScenario.make("a/quiet") { context in context.wireTrace.append(session: "x", .sent, "40") }])
        let failed = report.result("a/traced")
        #expect(failed?.wireTrace.map(\.text) == ["42[\"join\",\"bob\"]"])
        #expect(failed?.witnessOperations.map(\.kind) == [.receive(event: "error")])
        #expect(report.result("a/quiet")?.wireTrace.isEmpty == true, "passing scenarios carry no trace")
    }

    @Test func failingPrerequisiteSkipsDependantsTransitively() async {
        let ran = Recorder<String>()
        let report = await run([
            FakeScenario.failing("join/basic"),
            FakeScenario.make("join/twice", prerequisites: ["join/basic"]) { _ in ran.append("join/twice") },
            FakeScenario.make("join/thrice", prerequisites: ["join/twice"]) { _ in ran.append("join/thrice") },
            FakeScenario.make("join/other") { _ in ran.append("join/other") },
        ])
        #expect(report.result("join/twice")?.verdict == .skipped(reason: "prerequisite join/basic failed"))
        #expect(report.result("join/thrice")?.verdict == .skipped(reason: "prerequisite join/twice was skipped"))
        #expect(report.result("join/other")?.verdict == .pass)
        #expect(ran.values == ["join/other"])
    }

    @Test func passingPrerequisiteRunsFirst() async {
        let order = Recorder<String>()
        let report = await run([
            FakeScenario.make("b", prerequisites: ["a"]) { _ in order.append("b") },
            FakeScenario.make("a") { _ in
                try await Task.sleep(for: .ms(20))
                order.append("a")
            },
        ], RunnerOptions(concurrency: 4, runToken: "t"))
        #expect(order.values == ["a", "b"])
        #expect(report.results.map(\.scenario.id) == ["b", "a"], "results keep the given order")
        #expect(report.results.allSatisfy { $0.verdict == .pass })
    }

    @Test func inconclusiveOrUnknownOrExcludedPrerequisitesSkipWithReason() async {
        let scenarios = [
            FakeScenario.make("a") { _ in throw ScenarioInconclusive("unreachable") },
            FakeScenario.make("b", prerequisites: ["a"]),
            FakeScenario.make("c", prerequisites: ["nope"]),
            FakeScenario.make("d", prerequisites: ["x"]),
            FakeScenario.make("x"),
        ]
        let report = await run(scenarios, RunnerOptions(excludes: ["x"], runToken: "t"))
        #expect(report.result("b")?.verdict == .skipped(reason: "prerequisite a was inconclusive"))
        #expect(report.result("c")?.verdict == .skipped(reason: "prerequisite nope is unknown"))
        #expect(report.result("d")?.verdict == .skipped(reason: "prerequisite x was not run (excluded)"))
        #expect(report.result("x") == nil)
    }

    @Test func filteredScenarioPullsInItsPrerequisites() async {
        let report = await run([FakeScenario.make("join/basic"), FakeScenario.make("ordering/one", area: .ordering, requirements: ["ORDER-1"], prerequisites: ["join/basic"]), FakeScenario.make("send/x", area: .send)],
                               RunnerOptions(filters: ["ordering"], runToken: "t"))
        #expect(report.results.map(\.scenario.id) == ["join/basic", "ordering/one"])
        #expect(report.results.allSatisfy { $0.verdict == .pass })
    }

    @Test func prerequisiteCycleIsSkippedNotHung() async {
        let report = await run([FakeScenario.make("a", prerequisites: ["b"]), FakeScenario.make("b", prerequisites: ["a"]), FakeScenario.make("c")])
        #expect(report.result("a")?.verdict.reason?.contains("cycle") == true)
        #expect(report.result("b")?.verdict.reason?.contains("cycle") == true)
        #expect(report.result("c")?.verdict == .pass)
    }

    @Test func missingCapabilitySkipsNeverPasses() async {
        let restarted = Recorder<String>()
        let scenarios = [
            FakeScenario.make("durability/restart", area: .durability, requirements: ["DURABLE-1"], needs: [.restart]) { context in
                try await context.target.restart()
                restarted.append(context.scenarioID)
            },
            FakeScenario.make("durability/crash", area: .durability, requirements: ["DURABLE-2"], needs: [.crash, .restart]),
        ]
        let without = await run(scenarios)
        #expect(without.result("durability/restart")?.verdict == .skipped(reason: "needs --restart-command"))
        #expect(without.result("durability/crash")?.verdict == .skipped(reason: "needs --crash-command and --restart-command"))
        #expect(restarted.values.isEmpty)
        #expect(without.exitStatus == .success)
        let with = await run(scenarios, RunnerOptions(runToken: "t", capabilities: [.restart]))
        #expect(with.result("durability/restart")?.verdict == .pass)
        #expect(restarted.values == ["durability/restart"])
    }

    /// Tracks how many bodies run at once and whether an exclusive one ever had company.
    final class Overlap: Sendable {
        private struct State {
            var running = 0
            var maximum = 0
            var isExclusiveRunning = false
            var violations = 0
        }

        private let state = Mutex(State())

        func enter(exclusive: Bool) {
            state.withLock { state in
                state.running += 1
                state.maximum = max(state.maximum, state.running)
                if state.isExclusiveRunning || (exclusive && state.running > 1) { state.violations += 1 }
                if exclusive { state.isExclusiveRunning = true }
            }
        }

        func leave(exclusive: Bool) {
            state.withLock { state in
                state.running -= 1
                if exclusive { state.isExclusiveRunning = false }
            }
        }

        var maximum: Int { state.withLock { $0.maximum } }
        var violations: Int { state.withLock { $0.violations } }
    }

    @Test func exclusiveScenariosNeverOverlapOthers() async {
        let overlap = Overlap()
        let scenarios = (0..<12).map { index in
            let exclusive = index % 4 == 2
            return FakeScenario.make("s/\(index)", isExclusive: exclusive) { _ in
                overlap.enter(exclusive: exclusive)
                try await Task.sleep(for: .ms(10))
                overlap.leave(exclusive: exclusive)
            }
        }
        let report = await run(scenarios, RunnerOptions(concurrency: 3, runToken: "t"))
        #expect(report.results.allSatisfy { $0.verdict == .pass })
        #expect(overlap.violations == 0)
        #expect(overlap.maximum <= 3)
    }

    @Test func independentScenariosRunConcurrently() async {
        // Each waits for the other to start; run one at a time, both would time out.
        let started = Recorder<String>()
        func waiter(_ id: String, for other: String) -> Scenario {
            FakeScenario.make(id) { _ in
                started.append(id)
                for _ in 0..<500 where !started.values.contains(other) { try await Task.sleep(for: .ms(10)) }
                if !started.values.contains(other) { throw ScenarioFailure(expected: "\(other) running", actual: "alone") }
            }
        }
        let report = await run([waiter("a", for: "b"), waiter("b", for: "a")], RunnerOptions(concurrency: 2, runToken: "t"))
        #expect(report.results.map(\.verdict) == [.pass, .pass])
    }

    @Test func scenarioExceedingItsTimeoutIsInconclusive() async {
        let report = await run([
            FakeScenario.make("slow/cooperative") { _ in try await Task.sleep(for: .seconds(30)) },
            FakeScenario.make("slow/stubborn") { _ in
                // Ignores cancellation: the runner must not wait for it.
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 3) { continuation.resume() }
                }
            },
        ], RunnerOptions(runToken: "t", scenarioTimeout: .ms(50)))
        for result in report.results {
            guard case .inconclusive(let reason) = result.verdict else {
                Issue.record("\(result.scenario.id): \(result.verdict)")
                continue
            }
            #expect(reason == "did not finish within 50 ms")
        }
        #expect(report.exitStatus == .inconclusive)
    }

    @Test func heartbeatBoundScenariosRunBesideTheConcurrencyLimit() async {
        // With one slot, the two heartbeat-bound waiters must still run at once, and beside the third.
        let started = Recorder<String>()
        func waiter(_ id: String, for others: [String], isHeartbeatBound: Bool) -> Scenario {
            FakeScenario.make(id, isHeartbeatBound: isHeartbeatBound) { _ in
                started.append(id)
                for _ in 0..<500 where !Set(others).isSubset(of: started.values) { try await Task.sleep(for: .ms(10)) }
                if !Set(others).isSubset(of: started.values) { throw ScenarioFailure(expected: "\(others) running", actual: "\(started.values)") }
            }
        }
        let report = await run([
            waiter("plain", for: ["long/a", "long/b"], isHeartbeatBound: false),
            waiter("long/a", for: ["long/b", "plain"], isHeartbeatBound: true),
            waiter("long/b", for: ["long/a", "plain"], isHeartbeatBound: true),
        ], RunnerOptions(concurrency: 1, runToken: "t"))
        #expect(report.results.map(\.verdict) == [.pass, .pass, .pass])
        #expect(started.values.prefix(2).sorted() == ["long/a", "long/b"], "heartbeat-bound scenarios start first: \(started.values)")
    }

    @Test func scenarioTimeoutGrowsWithTheAdvertisedHeartbeat() async {
        // 50 ms base; a session told pingInterval 100 + pingTimeout 50 grows it by 2 × 150 ms.
        let report = await run([
            FakeScenario.make("heartbeat/told") { context in
                context.noteHeartbeat(pingInterval: 100, pingTimeout: 50)
                try await Task.sleep(for: .ms(250))
            },
            FakeScenario.make("heartbeat/told-and-stuck") { context in
                context.noteHeartbeat(pingInterval: 100, pingTimeout: 50)
                try await Task.sleep(for: .seconds(30))
            },
            FakeScenario.make("heartbeat/untold") { _ in try await Task.sleep(for: .ms(250)) },
        ], RunnerOptions(runToken: "t", scenarioTimeout: .ms(50)))
        #expect(report.results.map(\.verdict.name) == ["pass", "inconclusive", "inconclusive"])
        #expect(report.results[1].verdict.reason == "did not finish within 350 ms")
        #expect(report.results[2].verdict.reason == "did not finish within 50 ms")
    }

    @Test func timeoutFactorScalesTheScenarioTimeout() async {
        let options = RunnerOptions(runToken: "t", timeoutFactor: 100, scenarioTimeout: .ms(20))
        #expect(options.effectiveScenarioTimeout == .seconds(2))
        let report = await run([FakeScenario.make("a") { _ in try await Task.sleep(for: .ms(100)) }], options)
        #expect(report.results.first?.verdict == .pass)
    }

    @Test func seedMakesNamesAndRandomnessDeterministic() async {
        let seen = Recorder<String>()
        let scenario = FakeScenario.make("join/seeded") { context in
            seen.append("\(context.uniqueUser("alice")) \(context.nonce()) \(context.randomInt(in: 0...1_000_000_000))")
        }
        _ = await run([scenario], RunnerOptions(seed: 11, runToken: "fixed"))
        _ = await run([scenario], RunnerOptions(seed: 11, runToken: "fixed"))
        _ = await run([scenario], RunnerOptions(seed: 12, runToken: "fixed"))
        _ = await run([scenario], RunnerOptions(seed: 11))
        let values = seen.values
        #expect(values[0] == values[1])
        #expect(values[0].split(separator: " ")[2] != values[2].split(separator: " ")[2], "another seed draws other numbers")
        #expect(values[0].split(separator: " ")[0] != values[3].split(separator: " ")[0], "a fresh run token gives fresh names")
        #expect(values[0].split(separator: " ")[2] == values[3].split(separator: " ")[2], "the run token does not change the draws")
    }

    @Test func expectationsTurnVerdicts() async throws {
        let expectations = try ExpectationSet.parse("""
            fail join/broken known bug
            fail join/fixed was broken
            flaky join/flaky races on CI
            flaky join/steady sometimes slow
            """)
        let scenarios = [
            FakeScenario.failing("join/broken"), FakeScenario.make("join/fixed"),
            FakeScenario.failing("join/flaky"), FakeScenario.make("join/steady"),
        ]
        let report = await run(scenarios, RunnerOptions(runToken: "t", expectations: expectations))
        #expect(report.results.map(\.verdict) == [
            .expectedFailure(reason: "known bug"), .unexpectedPass(reason: "listed as failing: was broken"),
            .flakyFailure(reason: "races on CI"), .pass,
        ])
        #expect(report.result("join/broken")?.expectation?.kind == .fail)
        #expect(report.metadata.usesExpectations)
        #expect(report.exitStatus == .failure, "the unexpected pass fails the run")

        let withoutStale = await run([scenarios[0], scenarios[2], scenarios[3]], RunnerOptions(runToken: "t", expectations: expectations))
        #expect(withoutStale.exitStatus == .success, "expected and flaky failures never fail the run")
        #expect(withoutStale.result("join/broken")?.wireTrace.isEmpty == true)
    }

    @Test func flakyInconclusiveDoesNotMakeTheRunInconclusive() async throws {
        let expectations = try ExpectationSet.parse("flaky a times out on CI")
        let report = await run([FakeScenario.make("a") { _ in throw ScenarioInconclusive("timeout") }], RunnerOptions(runToken: "t", expectations: expectations))
        #expect(report.exitStatus == .success)
    }

    @Test func observerSeesOrderedProgress() async {
        let events = Recorder<String>()
        _ = await run([FakeScenario.make("a"), FakeScenario.failing("b"), FakeScenario.make("c", prerequisites: ["b"])]) { event in
            switch event {
            case .runStarted(_, let count): events.append("run \(count)")
            case .scenarioStarted(let info): events.append("start \(info.id)")
            case .scenarioFinished(let result, let completed, let total): events.append("done \(result.scenario.id) \(completed)/\(total)")
            case .runFinished(let report): events.append("end \(report.results.count)")
            }
        }
        let values = events.values
        #expect(values.first == "run 3")
        #expect(values.last == "end 3")
        #expect(values.filter { $0.hasPrefix("start") }.count == 2, "skipped scenarios never start")
        #expect(values.filter { $0.hasPrefix("done") }.map { $0.split(separator: " ").last.map(String.init) ?? "" } == ["1/3", "2/3", "3/3"])
    }

    @Test func teardownsRunAfterFailureAndTimeout() async {
        let cleaned = Recorder<String>()
        let report = await run([
            FakeScenario.make("a/fails") { context in
                context.addTeardown { cleaned.append("a") }
                throw ScenarioFailure(expected: "x", actual: "y")
            },
            FakeScenario.make("a/hangs") { context in
                context.addTeardown { cleaned.append("b") }
                try await Task.sleep(for: .seconds(30))
            },
        ], RunnerOptions(runToken: "t", scenarioTimeout: .ms(50)))
        #expect(report.results.map(\.verdict.name) == ["fail", "inconclusive"])
        #expect(Set(cleaned.values) == ["a", "b"])
    }

    @Test func concurrencyLimitIsRespected() async {
        let overlap = Overlap()
        let scenarios = (0..<10).map { index in
            FakeScenario.make("s/\(index)") { _ in
                overlap.enter(exclusive: false)
                try await Task.sleep(for: .ms(5))
                overlap.leave(exclusive: false)
            }
        }
        _ = await run(scenarios, RunnerOptions(concurrency: 2, runToken: "t"))
        #expect(overlap.maximum <= 2)
        #expect(overlap.maximum >= 1)
    }
}
