import Testing
@testable import ConformanceKit

/// Spec/SPEC.md is the single source of truth: its requirement lines are well-formed and unique, and
/// the catalogue embedded in the kit is exactly what the Spec says.
@Suite struct RequirementCatalogTests {
    let parsed = SpecificationParser.parse(try! SpecFiles.text("SPEC.md"))

    @Test func specRequirementLinesAreWellFormedAndUnique() {
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        #expect(parsed.requirements.count >= 50)
        #expect(parsed.version != nil)
    }

    @Test func embeddedCatalogMatchesTheSpec() {
        let matches = parsed.requirements == RequirementCatalog.all && parsed.version == RequirementCatalog.specVersion
        #expect(matches, "RequirementCatalog.swift is stale; replace it with:\n\(Self.catalogSource(parsed))")
    }

    @Test func everyConditionNamesAnOptionalRequirement() {
        for requirement in RequirementCatalog.all {
            guard let condition = requirement.condition else { continue }
            #expect(RequirementCatalog.requirement(condition)?.level == .may, "\(requirement.id)")
        }
    }

    @Test(arguments: [
        "- **JOIN-1** MUST After a session emits join.",
        "- **JOIN-01** (MUST) After a session MUST emit join.",
        "- **join-1** (MUST) After a session MUST emit join.",
        "- **JOIN-1** (MUSTN'T) After a session MUST emit join.",
        "- **JOIN-1** (MUST) after a session MUST emit join.",
        "- **JOIN-1** (MUST) After a session MUST emit join",
        "- **JOIN-1** (SHOULD) After a session MUST emit join.",
        "- **JOIN-1** (MUST, when EXT-1) After a session MUST emit join.",
    ])
    func malformedLinesAreReported(line: String) {
        let result = SpecificationParser.parse("Version: **1.0**\n\(line)\n")
        #expect(result.requirements.isEmpty)
        #expect(result.problems.count == 1)
    }

    @Test func repeatedIDsAreReported() {
        let line = "- **JOIN-1** (MUST) After a session emits join it MUST work."
        let result = SpecificationParser.parse("\(line)\n\(line)\n")
        #expect(result.requirements.count == 1)
        #expect(result.problems.map(\.message) == ["repeated requirement ID JOIN-1"])
    }

    static func catalogSource(_ result: SpecificationParser.Result) -> String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var lines = result.requirements.map { requirement in
            let condition = requirement.condition.map { ", condition: \(quoted($0))" } ?? ""
            return "        Requirement(id: \(quoted(requirement.id)), level: .\(requirement.level.rawValue.lowercased())\(condition), text: \(quoted(requirement.text))),"
        }
        lines.insert("    public static let all: [Requirement] = [", at: 0)
        lines.append("    ]")
        return lines.joined(separator: "\n")
    }
}
