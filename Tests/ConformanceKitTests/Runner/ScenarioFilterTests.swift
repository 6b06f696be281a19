import Testing
@testable import ConformanceKit

@Suite struct ScenarioFilterTests {
    let scenario = FakeScenario.make("join/all-messages-shape", area: .exactlyOnce, requirements: ["JOIN-2", "ONCE-10"]).info

    @Test(arguments: ["join/", "join/all", "JOIN/ALL-MESSAGES-SHAPE", "exactlyOnce", "Exactly once", "JOIN-2", "join-2", "JOIN", "ONCE-", "ONCE-10"])
    func termsThatMatch(term: String) { #expect(ScenarioFilter.matches(scenario, term: term)) }

    @Test(arguments: ["send/", "ordering", "JOIN-1", "ONCE-1", "JOIN-20", "", "all-messages"])
    func termsThatDoNotMatch(term: String) { #expect(!ScenarioFilter.matches(scenario, term: term)) }

    @Test func excludesWinOverFilters() {
        #expect(ScenarioFilter(filters: ["join/"]).includes(scenario))
        #expect(!ScenarioFilter(filters: ["join/"], excludes: ["JOIN-2"]).includes(scenario))
        #expect(ScenarioFilter().includes(scenario))
        #expect(!ScenarioFilter(filters: ["send"]).includes(scenario))
    }

    @Test func selectionPullsInPrerequisitesUnlessExcluded() {
        let scenarios = [
            FakeScenario.make("join/basic"), FakeScenario.make("join/twice", prerequisites: ["join/basic"]),
            FakeScenario.make("send/basic", area: .send, requirements: ["SEND-1"]),
            FakeScenario.make("order/one", area: .ordering, requirements: ["ORDER-1"], prerequisites: ["join/twice", "send/basic"]),
        ]
        #expect(ScenarioFilter(filters: ["ORDER-1"]).select(scenarios).map(\.id) == ["join/basic", "join/twice", "send/basic", "order/one"])
        #expect(ScenarioFilter(filters: ["ORDER-1"], excludes: ["send/"]).select(scenarios).map(\.id) == ["join/basic", "join/twice", "order/one"])
        #expect(ScenarioFilter(excludes: ["join/basic"]).select(scenarios).map(\.id) == ["join/twice", "send/basic", "order/one"])
    }
}
