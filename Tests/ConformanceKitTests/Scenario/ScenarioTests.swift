import Testing
@testable import ConformanceKit

@Suite struct ScenarioTests {
    @Test(arguments: [
        (["JOIN-1"], ScenarioLevel.must),
        (["DELIVER-4"], .should),
        (["DELIVER-4", "DELIVER-1"], .must),
        (["EXT-1"], .optional),
        (["EXT-2"], .optional),
        (["EXT-2", "DELIVER-1"], .optional),
        (["DURABLE-2", "DURABLE-3"], .should),
        ([], .must),
        (["NOPE-1"], .must),
    ])
    func levelIsTheStrongestCitedUnlessConditional(requirements: [String], level: ScenarioLevel) {
        #expect(FakeScenario.make("x", requirements: requirements).level == level)
    }

    @Test func infoCarriesTheMetadata() {
        let scenario = FakeScenario.make("durability/restart", area: .durability, requirements: ["DURABLE-1"], prerequisites: ["join/basic"], isExclusive: true, needs: [.restart, .crash])
        let info = scenario.info
        #expect(info.id == "durability/restart")
        #expect(info.title == "Title of durability/restart")
        #expect(info.area == .durability)
        #expect(info.level == .must)
        #expect(info.prerequisites == ["join/basic"])
        #expect(info.isExclusive)
        #expect(info.needs == [.crash, .restart])
        #expect(info.citedRequirements.map(\.id) == ["DURABLE-1"])
    }
}

@Suite struct ScenarioValidationTests {
    @Test func soundListHasNoProblem() {
        let scenarios = [FakeScenario.make("join/basic"), FakeScenario.make("join/twice", prerequisites: ["join/basic"])]
        #expect(Scenario.problems(in: scenarios) == [])
    }

    @Test func problemsAreNamed() {
        let scenarios = [
            FakeScenario.make("a", prerequisites: ["b"]), FakeScenario.make("b", prerequisites: ["a"]),
            FakeScenario.make("a"), FakeScenario.make("c", requirements: ["JOIN-99"], prerequisites: ["zz"]),
            FakeScenario.make("d e", requirements: []),
        ]
        let problems = Scenario.problems(in: scenarios)
        #expect(problems.contains("a: repeated scenario ID"))
        #expect(problems.contains("c: unknown requirement JOIN-99"))
        #expect(problems.contains("c: unknown prerequisite zz"))
        #expect(problems.contains("d e: cites no requirement"))
        #expect(problems.contains("scenario ID 'd e' is empty or has spaces"))
        #expect(problems.contains("prerequisite cycle: a → b → a"))
    }
}
