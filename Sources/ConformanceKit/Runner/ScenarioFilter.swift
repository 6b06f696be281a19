/// Selects scenarios by `--filter` / `--exclude` terms.
///
/// A term matches a scenario when (ignoring case) it is a prefix of the scenario ID (`join/` or
/// `join/basic`), or names its area (`ordering`, `Exactly once`, `exactlyOnce`), or names one of its
/// requirement IDs or their area prefix on a component boundary (`JOIN-3`, `JOIN`, `JOIN-`; `JOIN-1`
/// does not match `JOIN-10`). A scenario is selected when no filter is given or one matches, and no
/// exclude matches. Prerequisites of selected scenarios are selected too, unless excluded.
public struct ScenarioFilter: Sendable, Equatable {
    public var filters: [String]
    public var excludes: [String]

    public init(filters: [String] = [], excludes: [String] = []) {
        self.filters = filters
        self.excludes = excludes
    }

    /// Whether `term` matches the scenario.
    public static func matches(_ scenario: ScenarioInfo, term: String) -> Bool {
        let term = term.lowercased()
        guard !term.isEmpty else { return false }
        if scenario.id.lowercased().hasPrefix(term) { return true }
        if let area = ScenarioArea(name: term), area == scenario.area { return true }
        return scenario.requirements.contains { requirement in
            let id = requirement.lowercased()
            return id == term || id.hasPrefix(term + "-") || (term.hasSuffix("-") && id.hasPrefix(term))
        }
    }

    public func isExcluded(_ scenario: ScenarioInfo) -> Bool { excludes.contains { Self.matches(scenario, term: $0) } }

    /// Whether the terms alone pick the scenario (prerequisites aside).
    public func includes(_ scenario: ScenarioInfo) -> Bool {
        (filters.isEmpty || filters.contains { Self.matches(scenario, term: $0) }) && !isExcluded(scenario)
    }

    /// The selected scenarios in their given order, with the prerequisites they need (not excluded).
    public func select(_ scenarios: [Scenario]) -> [Scenario] {
        var chosen = Set(scenarios.filter { includes($0.info) }.map(\.id))
        var queue = Array(chosen)
        let byID = Dictionary(scenarios.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        while let id = queue.popLast() {
            for prerequisite in byID[id]?.prerequisites ?? [] {
                guard let scenario = byID[prerequisite], !isExcluded(scenario.info), chosen.insert(prerequisite).inserted else { continue }
                queue.append(prerequisite)
            }
        }
        return scenarios.filter { chosen.contains($0.id) }
    }
}
