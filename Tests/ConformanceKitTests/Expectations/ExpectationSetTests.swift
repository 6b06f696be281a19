import Testing
@testable import ConformanceKit

@Suite struct ExpectationSetTests {
    @Test func parsesEntriesCommentsAndBlankLines() throws {
        let set = try ExpectationSet.parse("""
            # known problems
               
            fail  join/basic   all_messages keyed by receiver (issue #12)\r
            \tflaky\theartbeat/idle  late ping on CI
            """, source: "ci.expect")
        #expect(set.entries == [
            Expectation(kind: .fail, scenarioID: "join/basic", reason: "all_messages keyed by receiver (issue #12)", line: 3),
            Expectation(kind: .flaky, scenarioID: "heartbeat/idle", reason: "late ping on CI", line: 4),
        ])
        #expect(set["join/basic"]?.kind == .fail)
        #expect(set["nope"] == nil)
        #expect(try ExpectationSet.parse("").isEmpty)
    }

    @Test(arguments: [
        ("xfail join/basic reason", "ci.expect:1: unknown keyword 'xfail' (expected 'fail' or 'flaky')"),
        ("fail join/basic", "ci.expect:1: 'fail join/basic' needs a reason"),
        ("fail join/basic   ", "ci.expect:1: 'fail join/basic' needs a reason"),
        ("flaky", "ci.expect:1: 'flaky' needs a scenario ID and a reason"),
        ("fail a one\n# c\nflaky a two", "ci.expect:3: a is already listed on line 1"),
    ])
    func malformedFilesAreUsageErrors(text: String, message: String) {
        let error = #expect(throws: ConformUsageError.self) { try ExpectationSet.parse(text, source: "ci.expect") }
        #expect(error?.message == message)
    }

    @Test func unknownScenarioIDsAreUsageErrors() throws {
        let set = try ExpectationSet.parse("fail join/basic r\nflaky join/typo r", source: "ci.expect")
        try set.validate(knownScenarioIDs: ["join/basic", "join/typo"])
        let error = #expect(throws: ConformUsageError.self) { try set.validate(knownScenarioIDs: ["join/basic"], source: "ci.expect") }
        #expect(error?.message == "ci.expect:2: unknown scenario ID 'join/typo' (see conform --list)")
    }
}
