import Testing
@testable import ConformanceKit

@Suite struct ScenarioAreaTests {
    @Test func namesResolveByRawValueOrDisplayName() {
        #expect(ScenarioArea(name: "exactlyOnce") == .exactlyOnce)
        #expect(ScenarioArea(name: "Exactly once") == .exactlyOnce)
        #expect(ScenarioArea(name: "exactly-once") == .exactlyOnce)
        #expect(ScenarioArea(name: "CORS") == .cors)
        #expect(ScenarioArea(name: "extension") == .extension)
        #expect(ScenarioArea(name: "joins") == nil)
    }

    @Test func everyAreaHasADistinctDisplayName() {
        let names = ScenarioArea.allCases.map(\.displayName)
        #expect(Set(names).count == names.count)
        #expect(ScenarioArea.transport < .extension)
    }
}
