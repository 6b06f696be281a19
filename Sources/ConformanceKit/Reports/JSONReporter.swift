import Foundation

/// The run as JSON, following `docs/conform-report.schema.json` (format version 1): run metadata,
/// one result per scenario, totals. Times are milliseconds (numbers); the seed is a decimal string
/// (64-bit values do not survive JSON numbers in every reader); dates are ISO 8601.
public struct JSONReporter: Sendable {
    public static let formatVersion = 1

    public init() {}

    public func render(_ report: RunReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Document(report))
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private struct Document: Encodable {
        var formatVersion = JSONReporter.formatVersion
        var kit: Kit
        var run: Run
        var results: [Result]
        var totals: RunTotals

        init(_ report: RunReport) {
            let metadata = report.metadata
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let finishedAt = metadata.finishedAt ?? metadata.startedAt
            kit = Kit(name: "conform", version: metadata.kitVersion, specVersion: metadata.specVersion)
            run = Run(
                targetURL: metadata.targetURL, seed: String(metadata.seed), runToken: metadata.runToken,
                startedAt: formatter.string(from: metadata.startedAt), finishedAt: formatter.string(from: finishedAt),
                durationMilliseconds: max(0, finishedAt.timeIntervalSince(metadata.startedAt) * 1000),
                strict: metadata.isStrict, timeoutFactor: metadata.timeoutFactor, concurrency: metadata.concurrency,
                filters: metadata.filters, excludes: metadata.excludes, capabilities: metadata.capabilities.map(\.rawValue),
                usesExpectations: metadata.usesExpectations, exitStatus: Int(report.exitStatus.rawValue)
            )
            results = report.results.map { Result($0, isStrict: metadata.isStrict) }
            totals = report.totals
        }
    }

    private struct Kit: Encodable {
        var name: String
        var version: String
        var specVersion: String
    }

    private struct Run: Encodable {
        var targetURL: String
        var seed: String
        var runToken: String
        var startedAt: String
        var finishedAt: String
        var durationMilliseconds: Double
        var strict: Bool
        var timeoutFactor: Double
        var concurrency: Int
        var filters: [String]
        var excludes: [String]
        var capabilities: [String]
        var usesExpectations: Bool
        var exitStatus: Int
    }

    private struct Result: Encodable {
        var id: String
        var title: String
        var area: String
        var areaName: String
        var level: String
        var required: Bool
        var requirements: [String]
        var transports: [String]
        var prerequisites: [String]
        var exclusive: Bool
        var needs: [String]
        var verdict: String
        var reason: String?
        var expected: [String]
        var actual: String?
        var startedAtMilliseconds: Double?
        var durationMilliseconds: Double
        var witnesses: [Int]
        var witnessOperations: [Operation]
        var wireTrace: [TraceEntry]
        var droppedTraceEntries: Int
        var expectation: ExpectationEntry?
        var knownFaults: [String]?

        init(_ result: ScenarioResult, isStrict: Bool) {
            let scenario = result.scenario
            id = scenario.id
            title = scenario.title
            area = scenario.area.rawValue
            areaName = scenario.area.displayName
            level = scenario.level.rawValue
            required = result.isRequired(isStrict: isStrict)
            requirements = scenario.requirements
            transports = scenario.transports.map(\.rawValue)
            prerequisites = scenario.prerequisites
            exclusive = scenario.isExclusive
            needs = scenario.needs.map(\.rawValue)
            verdict = result.verdict.name
            reason = result.verdict.reason
            expected = result.expected
            actual = result.actual
            startedAtMilliseconds = result.startedAt.map(ReportFormatting.milliseconds)
            durationMilliseconds = ReportFormatting.milliseconds(result.duration)
            witnesses = result.witnesses.map(\.rawValue)
            witnessOperations = result.witnessOperations.map(Operation.init)
            wireTrace = result.wireTrace.map(TraceEntry.init)
            droppedTraceEntries = result.droppedTraceEntries
            expectation = result.expectation.map { ExpectationEntry(kind: $0.kind.rawValue, reason: $0.reason) }
            knownFaults = ReportFormatting.knownFaults(result)
        }
    }

    private struct Operation: Encodable {
        var id: Int
        var process: String
        var kind: String
        var value: String?
        var invokedAtMilliseconds: Double
        var outcome: String?
        var result: String?
        var completedAtMilliseconds: Double?

        init(_ operation: HistoryOperation) {
            id = operation.id.rawValue
            process = operation.process
            kind = operation.kind.description
            value = operation.value
            invokedAtMilliseconds = ReportFormatting.milliseconds(operation.invokedAt)
            outcome = operation.outcome?.rawValue
            result = operation.result
            completedAtMilliseconds = operation.completedAt.map(ReportFormatting.milliseconds)
        }
    }

    private struct TraceEntry: Encodable {
        var timeMilliseconds: Double
        var session: String
        var direction: String
        var text: String

        init(_ entry: WireTraceEntry) {
            timeMilliseconds = ReportFormatting.milliseconds(entry.time)
            session = entry.sessionLabel
            direction = entry.direction.rawValue
            text = entry.text
        }
    }

    private struct ExpectationEntry: Encodable {
        var kind: String
        var reason: String
    }
}
