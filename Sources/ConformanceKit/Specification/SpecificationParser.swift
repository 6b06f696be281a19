import Foundation

/// Reads requirement lines out of the Spec's Markdown (`Spec/SPEC.md`, "Conventions").
///
/// A requirement line is `- **AREA-N** (LEVEL) Sentence.` or `- **AREA-N** (LEVEL, if EXT-1) Sentence.`
/// Any other line that starts like a requirement (`- **` then a bold word containing a hyphen, as
/// `- **JOIN-1**`) is reported as malformed, so a typo cannot silently drop a requirement from the
/// catalogue. Definition lines such as `- **Session**: …` are prose.
public enum SpecificationParser {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public struct Result: Sendable {
        public var version: String?
        public var requirements: [Requirement]
        public var problems: [Problem]
    }

    public static func parse(_ markdown: String) -> Result {
        var version: String?
        var requirements: [Requirement] = []
        var problems: [Problem] = []
        var seen: Set<String> = []
        for (offset, rawLine) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = String(rawLine)
            if version == nil, line.hasPrefix("Version: **") {
                version = String(line.dropFirst("Version: **".count).prefix { $0 != "*" })
            }
            guard isRequirementCandidate(line) else { continue }
            guard let requirement = parseRequirementLine(line) else {
                problems.append(Problem(line: lineNumber, message: "malformed requirement line: \(line)"))
                continue
            }
            if !seen.insert(requirement.id).inserted {
                problems.append(Problem(line: lineNumber, message: "repeated requirement ID \(requirement.id)"))
                continue
            }
            requirements.append(requirement)
        }
        for requirement in requirements {
            if let condition = requirement.condition, !seen.contains(condition) {
                problems.append(Problem(line: 0, message: "\(requirement.id) depends on unknown \(condition)"))
            }
        }
        return Result(version: version, requirements: requirements, problems: problems)
    }

    /// A line that looks meant as a requirement: `- **` and a bold word with a hyphen in it.
    static func isRequirementCandidate(_ line: String) -> Bool {
        guard line.hasPrefix("- **") else { return false }
        let bold = line.dropFirst(4).prefix { $0 != "*" && $0 != " " }
        return bold.contains("-")
    }

    /// Parses one `- **ID** (LEVEL[, if ID]) Sentence.` line; nil when it does not have that shape.
    static func parseRequirementLine(_ line: String) -> Requirement? {
        var rest = Substring(line.dropFirst("- **".count))
        guard let idEnd = rest.range(of: "** (") else { return nil }
        let id = String(rest[..<idEnd.lowerBound])
        guard isValidID(id) else { return nil }
        rest = rest[idEnd.upperBound...]
        guard let levelEnd = rest.firstIndex(of: ")") else { return nil }
        let levelText = rest[..<levelEnd]
        rest = rest[rest.index(after: levelEnd)...]
        guard rest.first == " " else { return nil }
        let text = String(rest.dropFirst())
        guard text.count > 10, text.hasSuffix("."), let first = text.first, first.isUppercase || first == "`" else { return nil }
        let levelParts = levelText.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let level = Requirement.Level(rawValue: levelParts[0]) else { return nil }
        var condition: String?
        if levelParts.count == 2 {
            guard levelParts[1].hasPrefix("if ") else { return nil }
            let conditionID = String(levelParts[1].dropFirst(3))
            guard isValidID(conditionID) else { return nil }
            condition = conditionID
        }
        guard text.contains(level.rawValue) || level == .may && text.contains("MAY") else { return nil }
        return Requirement(id: id, level: level, condition: condition, text: text)
    }

    /// `AREA-N`: upper-case letters, a hyphen, a positive decimal number without leading zero.
    static func isValidID(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy({ $0 >= "A" && $0 <= "Z" }),
              let first = parts[1].first, first != "0", parts[1].allSatisfy({ $0 >= "0" && $0 <= "9" })
        else { return false }
        return true
    }
}
