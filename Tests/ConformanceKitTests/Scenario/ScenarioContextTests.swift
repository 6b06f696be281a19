import Testing
@testable import ConformanceKit

@Suite struct ScenarioContextTests {
    func context(_ id: String = "join/basic", seed: UInt64 = 7, token: String = "tok12345", factor: Double = 1) -> ScenarioContext {
        ScenarioContext(scenarioID: id, seed: seed, runToken: token, timeoutFactor: factor, target: FakeTarget())
    }

    @Test func namesAreDeterministicForSeedTokenAndScenario() {
        let first = context()
        let second = context()
        let firstNames = [first.uniqueUser("alice"), first.uniqueUser("bob"), first.nonce(), first.nonce()]
        let secondNames = [second.uniqueUser("alice"), second.uniqueUser("bob"), second.nonce(), second.nonce()]
        #expect(firstNames == secondNames)
        #expect(first.randomInt(in: 0...1_000_000) == second.randomInt(in: 0...1_000_000))
    }

    @Test func runTokenAndScenarioKeepNamesApart() {
        let base = context().uniqueUser("alice")
        #expect(context(token: "other999").uniqueUser("alice") != base)
        #expect(context("join/other").uniqueUser("alice") != base)
        #expect(base.contains("tok12345"))
        #expect(base.hasPrefix("alice-"))
    }

    @Test func seedDrivesRandomnessButNotNames() {
        let draws = (0..<8).map { _ in context(seed: 1).randomInt(in: 0...Int.max) }
        #expect(Set(draws).count == 1)
        #expect(context(seed: 1).randomInt(in: 0...Int.max) != context(seed: 2).randomInt(in: 0...Int.max))
        #expect(context(seed: 1).generator(stream: "a") == context(seed: 1).generator(stream: "a"))
        #expect(context(seed: 1).generator(stream: "a") != context(seed: 1).generator(stream: "b"))
    }

    @Test func namesAreUniqueAndShortEnough() {
        let context = context()
        let names = (0..<500).map { _ in context.uniqueUser(String(repeating: "x", count: 100)) }
        #expect(Set(names).count == 500)
        #expect(names.allSatisfy { $0.count <= ScenarioContext.maximumUserLength })
        let nonces = (0..<500).map { _ in context.nonce() }
        #expect(Set(nonces).count == 500)
        #expect(Set(nonces).isDisjoint(with: names))
    }

    @Test func hintsAreSanitised() {
        let name = context().uniqueUser("é l/i\"c e")
        #expect(name.hasPrefix("lice-"))
        #expect(name.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(context().uniqueUser("").hasPrefix("u-"))
    }

    @Test func timeoutsScaleByTheFactor() {
        #expect(context(factor: 2.5).timeout(.seconds(2)) == .seconds(5))
        #expect(context(factor: 0).timeout(.seconds(2)) == .seconds(2))
    }

    @Test func capabilitiesAreQueried() {
        let context = ScenarioContext(scenarioID: "x", seed: 0, runToken: "t", capabilities: [.restart], target: FakeTarget())
        #expect(context.has(.restart))
        #expect(!context.has(.crash))
    }
}

@Suite struct ScenarioContextLabelTests {
    @Test func labelsCountPerPrefix() {
        let context = ScenarioContext(scenarioID: "x", seed: 0, runToken: "t", target: FakeTarget())
        #expect([context.label("alice"), context.label("alice"), context.label("http")] == ["alice#1", "alice#2", "http#1"])
    }

    @Test func teardownsRunLatestFirstOnce() async {
        let context = ScenarioContext(scenarioID: "x", seed: 0, runToken: "t", target: FakeTarget())
        let order = Recorder<Int>()
        context.addTeardown { order.append(1) }
        context.addTeardown { order.append(2) }
        await context.runTeardowns()
        await context.runTeardowns()
        #expect(order.values == [2, 1])
    }
}
