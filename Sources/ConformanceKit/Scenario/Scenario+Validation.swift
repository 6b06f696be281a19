/// Consistency checks over a list of scenarios, for the catalogue's own tests.
extension Scenario {
    /// Problems in a scenario list: empty or repeated IDs, requirement IDs the Spec lacks, unknown
    /// prerequisites, and prerequisite cycles. Empty when the list is sound.
    public static func problems(in scenarios: [Scenario], catalog: [Requirement] = RequirementCatalog.all) -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        let requirementIDs = Set(catalog.map(\.id))
        let byID = Dictionary(scenarios.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for scenario in scenarios {
            if scenario.id.isEmpty || scenario.id.contains(where: \.isWhitespace) { problems.append("scenario ID '\(scenario.id)' is empty or has spaces") }
            if !seen.insert(scenario.id).inserted { problems.append("\(scenario.id): repeated scenario ID") }
            if scenario.requirements.isEmpty { problems.append("\(scenario.id): cites no requirement") }
            for requirement in scenario.requirements where !requirementIDs.contains(requirement) {
                problems.append("\(scenario.id): unknown requirement \(requirement)")
            }
            for prerequisite in scenario.prerequisites where byID[prerequisite] == nil {
                problems.append("\(scenario.id): unknown prerequisite \(prerequisite)")
            }
        }
        // Cycles: depth-first search over prerequisites.
        var state: [String: Bool] = [:]  // false: on the stack, true: done
        func visit(_ id: String, _ path: [String]) {
            if state[id] == true { return }
            if state[id] == false {
                let cycle = path.drop { $0 != id } + [id]
                problems.append("prerequisite cycle: \(cycle.joined(separator: " → "))")
                return
            }
            state[id] = false
            for prerequisite in byID[id]?.prerequisites ?? [] where byID[prerequisite] != nil { visit(prerequisite, path + [id]) }
            state[id] = true
        }
        for scenario in scenarios { visit(scenario.id, []) }
        return problems
    }
}
