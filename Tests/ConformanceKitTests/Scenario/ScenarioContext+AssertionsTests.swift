import Testing
@testable import ConformanceKit

@Suite struct ScenarioContextAssertionsTests {
    let context = ScenarioContext(scenarioID: "x", seed: 0, runToken: "t", target: FakeTarget())

    @Test func expectPassesOrFailsWithExpectedAndActual() throws {
        try context.expect(true, expected: "201", actual: "201")
        let error = #expect(throws: ScenarioFailure.self) {
            try context.expect(false, expected: "status 201", actual: "status 500", witnesses: [OperationID(3)])
        }
        #expect(error == ScenarioFailure(expected: ["status 201"], actual: "status 500", witnesses: [OperationID(3)]))
    }

    @Test func expectEqualNamesTheSubject() throws {
        try context.expectEqual(201, 201, "status")
        let error = #expect(throws: ScenarioFailure.self) { try context.expectEqual(400, 201, "status") }
        #expect(error?.expected == ["status 201"])
        #expect(error?.actual == "status 400")
    }

    @Test func expectOneOfListsEveryAcceptableOutcome() throws {
        try context.expectOneOf(413, [400, 413], "status")
        let error = #expect(throws: ScenarioFailure.self) { try context.expectOneOf(500, [400, 413], "status") }
        #expect(error?.expected == ["status 400", "status 413"])
    }

    @Test func expectPresentUnwraps() throws {
        #expect(try context.expectPresent(Optional(3), expected: "a value") == 3)
        #expect(throws: ScenarioFailure.self) { try context.expectPresent(Int?.none, expected: "a value") }
    }

    @Test func expectCleanFailsOnViolations() throws {
        try context.expectClean(DeliveryReport(findings: [DeliveryFinding(kind: .delivered, session: "s", nonce: "n", detail: "", witnesses: [])]), expected: "clean")
        let report = DeliveryReport(findings: [DeliveryFinding(kind: .lost, session: "bob#1", nonce: "n1", detail: "never arrived", witnesses: [OperationID(2)])])
        let error = #expect(throws: ScenarioFailure.self) { try context.expectClean(report, expected: "every message exactly once") }
        #expect(error?.actual.contains("lost on bob#1: n1") == true)
        #expect(error?.witnesses == [OperationID(2)])
    }

    @Test func terminalHelpersThrowTheirErrors() {
        #expect(throws: ScenarioInconclusive.self) { try context.inconclusive("unreachable") }
        #expect(throws: ScenarioUnsupported.self) { try context.unsupported("no send_message") }
        #expect(throws: ScenarioFailure.self) { try context.fail(expected: ["a"], actual: "b") }
    }
}
