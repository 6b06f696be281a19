/// Text helpers the reporters share: durations, run-clock times, requirement quotes.
enum ReportFormatting {
    /// Milliseconds as a number (fractional).
    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// `34 ms` under ten seconds, else `12.3 s`.
    static func duration(_ duration: Duration) -> String {
        let milliseconds = milliseconds(duration)
        if milliseconds < 10_000 { return "\(Int(milliseconds.rounded())) ms" }
        return "\((milliseconds / 100).rounded() / 10) s"
    }

    /// `+1.234 s` (a time on the run clock).
    static func clockTime(_ time: Duration) -> String {
        let thousandths = Int((milliseconds(time)).rounded())
        let fraction = String(abs(thousandths) % 1000)
        return "+\(thousandths / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction) s"
    }

    /// `JOIN-1 (MUST): "sentence"`, or the bare ID when the catalogue lacks it.
    static func requirementQuote(_ id: String) -> String {
        guard let requirement = RequirementCatalog.requirement(id) else { return "\(id): (not in Spec \(RequirementCatalog.specVersion))" }
        let level = requirement.condition.map { "\(requirement.level.rawValue), if \($0)" } ?? requirement.level.rawValue
        return "\(id) (\(level)): \"\(requirement.text)\""
    }

    /// One wire trace line: `+0.012 s  alice#1 → 42["join","alice"]`.
    static func traceLine(_ entry: WireTraceEntry) -> String {
        "\(clockTime(entry.time))  \(entry.sessionLabel) \(entry.direction.symbol) \(entry.text)"
    }

    /// The faults known to fail the scenario (`KnownFaults`: what to look for first, not a diagnosis),
    /// for a failed or expected-failed result; nil for other verdicts and for scenarios no mutant fails.
    static func knownFaults(_ result: ScenarioResult) -> [String]? {
        switch result.verdict {
        case .fail, .expectedFailure: KnownFaults.byScenario[result.scenario.id]
        default: nil
        }
    }

    /// The detail block of a result that did not pass: requirements, Expected/Actual, witnesses, trace.
    static func details(_ result: ScenarioResult, indent: String, traceLimit: Int?) -> [String] {
        var lines = result.scenario.requirements.map { indent + requirementQuote($0) }
        if let reason = result.verdict.reason { lines.append("\(indent)Reason: \(reason)") }
        if !result.expected.isEmpty {
            for (index, expected) in result.expected.enumerated() {
                lines.append(indent + (index == 0 ? "Expected: " : "      or: ") + expected)
            }
        }
        if let actual = result.actual { lines.append("\(indent)Actual:   \(actual)") }
        if !result.witnessOperations.isEmpty {
            lines.append("\(indent)Witnesses:")
            lines += result.witnessOperations.map { "\(indent)  \($0)" }
        } else if !result.witnesses.isEmpty {
            lines.append("\(indent)Witnesses: \(result.witnesses.map(\.description).joined(separator: ", "))")
        }
        if let faults = knownFaults(result) {
            lines.append("\(indent)Faults known to fail this scenario (deliberately broken servers, Tests/MutantTests):")
            lines += faults.map { "\(indent)  - \($0)" }
        }
        if !result.wireTrace.isEmpty {
            let shown = traceLimit.map { Array(result.wireTrace.suffix($0)) } ?? result.wireTrace
            let hidden = result.droppedTraceEntries + result.wireTrace.count - shown.count
            lines.append("\(indent)Wire trace (\(result.wireTrace.count + result.droppedTraceEntries) entries\(hidden > 0 ? ", first \(hidden) not shown" : "")):")
            lines += shown.map { "\(indent)  \(traceLine($0))" }
        }
        return lines
    }
}
