import Foundation
@testable import ConformanceKit

/// A report with one result of every verdict, for the reporter tests.
enum ReportFixtures {
    static func result(_ id: String, _ area: ScenarioArea, _ requirements: [String], _ verdict: Verdict) -> ScenarioResult {
        ScenarioResult(scenario: FakeScenario.make(id, area: area, requirements: requirements).info, verdict: verdict, startedAt: .ms(1), duration: .ms(34))
    }

    static var report: RunReport {
        var failure = result("join/basic", .join, ["JOIN-1"], .fail)
        failure.expected = ["one all_messages event", "an all_messages & <nothing else>"]
        failure.actual = "error event \"bad\"\u{1}\u{7}"
        failure.witnesses = [OperationID(2)]
        failure.witnessOperations = [HistoryOperation(id: OperationID(2), process: "bob#1", kind: .receive(event: "error"), value: "{}", invokedAt: .ms(3), outcome: .ok, completedAt: .ms(3))]
        failure.wireTrace = [
            WireTraceEntry(time: .ms(12), sessionLabel: "bob#1", direction: .sent, text: "42[\"join\",\"bob\"]"),
            WireTraceEntry(time: .ms(1_013), sessionLabel: "bob#1", direction: .received, text: "42[\"error\",{\"message\":\"<bad>\"}]\u{0}"),
        ]
        var skippedRestart = result("durability/restart", .durability, ["DURABLE-1"], .skipped(reason: "needs --restart-command"))
        skippedRestart.startedAt = nil
        skippedRestart.duration = .zero
        var skippedCrash = result("durability/crash", .durability, ["DURABLE-2"], .skipped(reason: "needs --crash-command"))
        skippedCrash.startedAt = nil
        return RunReport(
            metadata: RunMetadata(
                seed: UInt64.max, runToken: "abc12345", targetURL: "http://127.0.0.1:5000", startedAt: Date(timeIntervalSince1970: 1_800_000_000),
                finishedAt: Date(timeIntervalSince1970: 1_800_000_002), concurrency: 4, filters: ["join"], capabilities: []
            ),
            results: [
                result("transport/websocket", .transport, ["TRANSPORT-2"], .pass),
                failure,
                result("join/twice", .join, ["JOIN-5"], .pass),
                result("durability/stored", .durability, ["DURABLE-4"], .pass),
                skippedRestart,
                skippedCrash,
                result("extension/send", .extension, ["EXT-2"], .unsupported(reason: "no ack")),
                result("delivery/latency", .delivery, ["DELIVER-4"], .inconclusive(reason: "server unreachable")),
                result("ordering/one", .ordering, ["ORDER-1"], .expectedFailure(reason: "known")),
                result("ordering/two", .ordering, ["ORDER-2"], .unexpectedPass(reason: "listed as failing: fixed?")),
                result("ordering/three", .ordering, ["ORDER-3"], .flakyFailure(reason: "CI")),
            ]
        )
    }
}
