/// The contents of an expectations file (`conform --expect FILE`): known failures and flaky scenarios.
///
/// Format (line-based, UTF-8; see docs/expectations.md):
///
///     # comment: a line whose first non-blank character is '#'; blank lines are ignored
///     fail  <scenario-id> <reason…>
///     flaky <scenario-id> <reason…>
///
/// Fields are separated by spaces or tabs; the reason is the rest of the line (a `#` inside it is kept)
/// and is required. Listing a scenario twice, an unknown keyword, a missing reason or (checked by
/// `validate`) an unknown scenario ID is a usage error.
public struct ExpectationSet: Sendable, Equatable {
    public private(set) var entries: [Expectation]

    public init(_ entries: [Expectation] = []) { self.entries = entries }

    public var isEmpty: Bool { entries.isEmpty }

    /// The expectation for this scenario, if the file lists it.
    public subscript(scenarioID: String) -> Expectation? { entries.first { $0.scenarioID == scenarioID } }

    /// Parses the file's text; `source` names the file in error messages.
    public static func parse(_ text: String, source: String = "expectations") throws(ConformUsageError) -> ExpectationSet {
        var entries: [Expectation] = []
        var lineNumber = 0
        // `\r\n` is one Character, so splitting on `isNewline` handles LF and CRLF files alike.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(maxSplits: 2, omittingEmptySubsequences: true) { $0 == " " || $0 == "\t" }
            guard let kind = Expectation.Kind(rawValue: String(fields[0])) else {
                throw ConformUsageError("\(source):\(lineNumber): unknown keyword '\(fields[0])' (expected 'fail' or 'flaky')")
            }
            guard fields.count >= 2 else {
                throw ConformUsageError("\(source):\(lineNumber): '\(kind.rawValue)' needs a scenario ID and a reason")
            }
            let scenarioID = String(fields[1])
            let reason = fields.count == 3 ? fields[2].trimmingSpaces : ""
            guard !reason.isEmpty else {
                throw ConformUsageError("\(source):\(lineNumber): '\(kind.rawValue) \(scenarioID)' needs a reason")
            }
            if let earlier = entries.first(where: { $0.scenarioID == scenarioID }) {
                throw ConformUsageError("\(source):\(lineNumber): \(scenarioID) is already listed on line \(earlier.line)")
            }
            entries.append(Expectation(kind: kind, scenarioID: scenarioID, reason: reason, line: lineNumber))
        }
        return ExpectationSet(entries)
    }

    /// Throws when an entry names a scenario the kit does not have.
    public func validate(knownScenarioIDs: some Sequence<String>, source: String = "expectations") throws(ConformUsageError) {
        let known = Set(knownScenarioIDs)
        if let unknown = entries.first(where: { !known.contains($0.scenarioID) }) {
            throw ConformUsageError("\(source):\(unknown.line): unknown scenario ID '\(unknown.scenarioID)' (see conform --list)")
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
