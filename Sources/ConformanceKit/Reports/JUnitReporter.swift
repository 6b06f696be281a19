import Foundation

/// The run as JUnit XML, for CI: one `<testsuite>` per area inside `<testsuites>`, one `<testcase>` per
/// scenario (`name` = scenario ID, `classname` = `conform.<area>`).
///
/// FAIL and XPASS give `<failure message=…>` whose body holds the requirement quotes, Expected/Actual,
/// witnesses and wire trace; INCONCLUSIVE gives `<error>` (undecided is not a pass); SKIP, UNSUPPORTED,
/// XFAIL and FLAKY give `<skipped message="LABEL: reason">`.
public struct JUnitReporter: Sendable {
    public init() {}

    public func render(_ report: RunReport) -> String {
        let totals = RunTotals(report.results)
        let figures = totals.closingFigures
        let totalSeconds = report.results.reduce(0.0) { $0 + ReportFormatting.milliseconds($1.duration) } / 1000
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"conform\" tests=\"\(totals.total)\" failures=\"\(figures.failed)\" errors=\"\(totals.inconclusive)\" "
            + "skipped=\"\(figures.skipped - totals.inconclusive)\" time=\"\(Self.seconds(totalSeconds))\">\n"
        let timestamp = ISO8601DateFormatter().string(from: report.metadata.startedAt)
        for area in Set(report.results.map(\.scenario.area)).sorted() {
            let results = report.results.filter { $0.scenario.area == area }
            let areaTotals = RunTotals(results)
            let areaFigures = areaTotals.closingFigures
            let seconds = results.reduce(0.0) { $0 + ReportFormatting.milliseconds($1.duration) } / 1000
            xml += "  <testsuite name=\"\(attribute(area.displayName))\" tests=\"\(areaTotals.total)\" failures=\"\(areaFigures.failed)\" "
                + "errors=\"\(areaTotals.inconclusive)\" skipped=\"\(areaFigures.skipped - areaTotals.inconclusive)\" "
                + "time=\"\(Self.seconds(seconds))\" timestamp=\"\(attribute(timestamp))\">\n"
            xml += "    <properties>\n"
            for (name, value) in properties(report.metadata) {
                xml += "      <property name=\"\(attribute(name))\" value=\"\(attribute(value))\"/>\n"
            }
            xml += "    </properties>\n"
            for result in results { xml += testcase(result) }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    private func testcase(_ result: ScenarioResult) -> String {
        let seconds = Self.seconds(ReportFormatting.milliseconds(result.duration) / 1000)
        var xml = "    <testcase name=\"\(attribute(result.scenario.id))\" classname=\"conform.\(attribute(result.scenario.area.rawValue))\" time=\"\(seconds)\">\n"
        let body = text(([result.scenario.title] + ReportFormatting.details(result, indent: "", traceLimit: nil)).joined(separator: "\n"))
        switch result.verdict {
        case .pass:
            break
        case .fail, .unexpectedPass:
            let message: String
            if let actual = result.actual {
                message = "Expected: \(result.expected.joined(separator: " or ")); Actual: \(actual)"
            } else {
                message = "\(result.verdict.label): \(result.verdict.reason ?? "")"
            }
            xml += "      <failure message=\"\(attribute(message))\" type=\"\(result.verdict.label)\">\(body)</failure>\n"
        case .inconclusive(let reason):
            xml += "      <error message=\"\(attribute(reason))\" type=\"INCONCLUSIVE\">\(body)</error>\n"
        case .skipped(let reason), .unsupported(let reason), .expectedFailure(let reason), .flakyFailure(let reason):
            xml += "      <skipped message=\"\(attribute("\(result.verdict.label): \(reason)"))\"/>\n"
            if result.verdict.didFail { xml += "      <system-out>\(body)</system-out>\n" }
        }
        xml += "    </testcase>\n"
        return xml
    }

    private func properties(_ metadata: RunMetadata) -> [(String, String)] {
        [
            ("kitVersion", metadata.kitVersion), ("specVersion", metadata.specVersion), ("seed", String(metadata.seed)),
            ("runToken", metadata.runToken), ("targetURL", metadata.targetURL), ("strict", String(metadata.isStrict)),
        ]
    }

    private func attribute(_ text: String) -> String { XMLText.escape(text, isAttribute: true) }

    private func text(_ text: String) -> String { XMLText.escape(text) }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }
}
