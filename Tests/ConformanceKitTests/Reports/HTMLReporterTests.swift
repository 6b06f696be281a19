import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ConformanceKit

@Suite struct HTMLReporterTests {
    let html = HTMLReporter().render(ReportFixtures.report)

    func document(_ html: String) throws -> XMLDocument { try XMLDocument(xmlString: html) }

    func elements(_ document: XMLDocument, _ xpath: String) throws -> [XMLElement] {
        try document.nodes(forXPath: xpath).compactMap { $0 as? XMLElement }
    }

    @Test func statesTheOutcomeAndTheRunMetadata() throws {
        let document = try document(html)
        #expect(try elements(document, "//h1").first?.stringValue == "conform: FAIL")
        #expect(try elements(document, "//p[@id='closing-line']").first?.stringValue == "3 passed, 2 failed, 6 skipped · exit status 1: a required check failed")
        let terms = try elements(document, "//dl[@id='metadata']/dt").compactMap(\.stringValue)
        let values = try elements(document, "//dl[@id='metadata']/dd").compactMap(\.stringValue)
        let metadata = Dictionary(uniqueKeysWithValues: zip(terms, values))
        #expect(metadata["Target"] == "http://127.0.0.1:5000")
        #expect(metadata["Spec version"] == RequirementCatalog.specVersion)
        #expect(metadata["Kit version"] == "conform \(KitVersion.current)")
        #expect(metadata["Seed"]?.hasPrefix("18446744073709551615 ") == true)
        #expect(metadata["Duration"] == "2000 ms")
        #expect(metadata["Filters"] == "join")
    }

    @Test func everyScenarioShowsWithItsVerdictAndTheFailuresOpen() throws {
        let document = try document(html)
        let scenarios = try elements(document, "//details[contains(@class,'scenario')]")
        #expect(scenarios.count == ReportFixtures.report.results.count)
        for result in ReportFixtures.report.results {
            let entry = try #require(scenarios.first { $0.attribute(forName: "id")?.stringValue == HTMLReporter.anchor(result) })
            #expect(entry.attribute(forName: "data-verdict")?.stringValue == result.verdict.name)
            #expect(entry.attribute(forName: "data-area")?.stringValue == result.scenario.area.rawValue)
            // (The XML reader drops the spaces between elements; a browser keeps them.)
            #expect(try entry.nodes(forXPath: "summary/span[1]").first?.stringValue == result.verdict.label)
            #expect(try entry.nodes(forXPath: "summary/code").first?.stringValue == result.scenario.id)
            #expect((entry.attribute(forName: "open") != nil) == HTMLReporter.isOpenByDefault(result.verdict), "\(result.scenario.id)")
        }
        let attention = try elements(document, "//ul[@id='attention']/li/a").compactMap { $0.attribute(forName: "href")?.stringValue }
        #expect(attention == ["#scenario-join-basic", "#scenario-delivery-latency", "#scenario-ordering-two"])
    }

    @Test func aFailureQuotesItsRequirementAndShowsExpectedActualWitnessesAndTheTrace() throws {
        let document = try document(html)
        let failure = try #require(try elements(document, "//details[@id='scenario-join-basic']").first)
        let quote = try #require(try failure.nodes(forXPath: ".//blockquote[@class='requirement']").first)
        let requirement = try #require(RequirementCatalog.requirement("JOIN-1"))
        #expect(try quote.nodes(forXPath: "strong").first?.stringValue == "JOIN-1")
        #expect(try quote.nodes(forXPath: "span").first?.stringValue == "(MUST)")
        #expect(try quote.nodes(forXPath: "q").first?.stringValue == requirement.text)
        let outcome = try failure.nodes(forXPath: ".//dl[@class='outcome']/*").compactMap(\.stringValue)
        #expect(outcome == ["Expected", "one all_messages eventoran all_messages & <nothing else>", "Actual", "error event \"bad\"\\u{1}\\u{7}"])
        #expect(try failure.nodes(forXPath: ".//ul[@class='witnesses']/li").count == 1)
        let trace = try #require(try failure.nodes(forXPath: ".//details[@class='trace']").first as? XMLElement)
        #expect(trace.attribute(forName: "open") == nil, "the trace starts collapsed")
        #expect(trace.elements(forName: "summary").first?.stringValue == "Wire trace: 2 entries")
        let rows = try trace.nodes(forXPath: ".//tbody/tr").compactMap { $0 as? XMLElement }
        #expect(rows.map { $0.attribute(forName: "class")?.stringValue } == ["sent", "received"])
        #expect(rows.map { $0.elements(forName: "td").compactMap(\.stringValue) } == [
            ["+0.012 s", "bob#1", "→ sent", "42[\"join\",\"bob\"]"],
            ["+1.013 s", "bob#1", "← received", "42[\"error\",{\"message\":\"<bad>\"}]\\u{0}"],
        ])
    }

    @Test func filtersOfferEachVerdictPresentAndEachArea() throws {
        let document = try document(html)
        let boxes = try elements(document, "//form[@id='filters']//input[@name='verdict']")
        #expect(boxes.compactMap { $0.attribute(forName: "value")?.stringValue }
            == ["fail", "unexpectedPass", "inconclusive", "flakyFailure", "expectedFailure", "unsupported", "skipped", "pass"])
        #expect(boxes.allSatisfy { $0.attribute(forName: "checked") != nil })
        let areas = try elements(document, "//select[@id='area-filter']/option").compactMap { $0.attribute(forName: "value")?.stringValue }
        #expect(areas == ["", "transport", "join", "durability", "extension", "delivery", "ordering"])
        #expect(html.contains("form.addEventListener('change', apply)"))
    }

    @Test func areaBarsSplitByVerdict() throws {
        let document = try document(html)
        let join = try #require(try elements(document, "//table[@id='areas']/tr").first { $0.elements(forName: "th").first?.stringValue == "Join" })
        let segments = try join.nodes(forXPath: ".//span").compactMap { $0 as? XMLElement }
        #expect(segments.compactMap { $0.attribute(forName: "style")?.stringValue } == ["width: 50.00%", "width: 50.00%"])
        #expect(segments.compactMap { $0.attribute(forName: "class")?.stringValue } == ["segment pass", "segment fail"])
        #expect(join.elements(forName: "td").last?.stringValue == "1/2 passed, 1 failed")
    }

    @Test func hostileServerTextStaysText() throws {
        var report = ReportFixtures.report
        let hostile = "</script><img src=x onerror=\"alert(1)\"><script>alert(2)</script>' onmouseover='x"
        report.results[1].actual = hostile
        report.results[1].expected = [hostile]
        report.results[1].wireTrace.append(WireTraceEntry(time: .ms(2_000), sessionLabel: "bob#1\"><b>", direction: .received, text: hostile))
        report.results[6].verdict = .unsupported(reason: hostile)
        report.metadata.targetURL = "http://x/\"><script>alert(3)</script>"
        let html = HTMLReporter().render(report)
        let document = try document(html)
        #expect(try elements(document, "//img").isEmpty)
        #expect(try elements(document, "//b").isEmpty)
        #expect(try elements(document, "//script").count == 1, "only the page's own script")
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"))
        let actual = try #require(try elements(document, "//details[@id='scenario-join-basic']//dd[@class='actual']").first)
        #expect(actual.stringValue == hostile)
        let unsupported = try #require(try elements(document, "//details[@id='scenario-extension-send']//p[@class='reason']").first)
        #expect(unsupported.stringValue == "Reason: " + hostile)
    }

    @Test func theAnchorKeepsLettersAndDigitsOnly() {
        let result = ReportFixtures.result("once/join-race 2\"<", .join, [], .pass)
        #expect(HTMLReporter.anchor(result) == "scenario-once-join-race-2--")
    }

    @Test func aPassingRunSaysPassAndHasNoAttentionList() throws {
        var report = ReportFixtures.report
        report.results = report.results.filter { $0.verdict == .pass }
        let document = try document(HTMLReporter().render(report))
        #expect(try elements(document, "//header[@class='banner pass']/div/h1").first?.stringValue == "conform: PASS")
        #expect(try elements(document, "//ul[@id='attention']").isEmpty)
    }
}
