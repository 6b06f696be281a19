import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ConformanceKit

@Suite struct JUnitReporterTests {
    let xml = JUnitReporter().render(ReportFixtures.report)

    @Test func parsesAsXMLWithOneSuitePerArea() throws {
        let document = try XMLDocument(xmlString: xml)
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "11")
        #expect(root.attribute(forName: "failures")?.stringValue == "2")
        #expect(root.attribute(forName: "errors")?.stringValue == "1")
        #expect(root.attribute(forName: "skipped")?.stringValue == "5")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.compactMap { $0.attribute(forName: "name")?.stringValue } == ["Transport", "Join", "Delivery", "Ordering", "Durability", "Extension"])
        let cases = suites.flatMap { $0.elements(forName: "testcase") }
        #expect(cases.count == 11)
        let join = try #require(cases.first { $0.attribute(forName: "name")?.stringValue == "join/basic" })
        #expect(join.attribute(forName: "classname")?.stringValue == "conform.join")
        #expect(join.attribute(forName: "time")?.stringValue == "0.034")
        let failure = try #require(join.elements(forName: "failure").first)
        #expect(failure.attribute(forName: "message")?.stringValue?.hasPrefix("Expected: one all_messages event or an all_messages & <nothing else>; Actual: error event \"bad\"\\u{1}\\u{7}") == true)
        let body = failure.stringValue ?? ""
        #expect(body.contains("JOIN-1 (MUST)"))
        #expect(body.contains("+1.013 s  bob#1 ← 42[\"error\",{\"message\":\"<bad>\"}]\\u{0}"))
        let skipped = try #require(cases.first { $0.attribute(forName: "name")?.stringValue == "durability/restart" }?.elements(forName: "skipped").first)
        #expect(skipped.attribute(forName: "message")?.stringValue == "SKIP: needs --restart-command")
        let inconclusive = try #require(cases.first { $0.attribute(forName: "name")?.stringValue == "delivery/latency" }?.elements(forName: "error").first)
        #expect(inconclusive.attribute(forName: "message")?.stringValue == "server unreachable")
        let xpass = try #require(cases.first { $0.attribute(forName: "name")?.stringValue == "ordering/two" }?.elements(forName: "failure").first)
        #expect(xpass.attribute(forName: "type")?.stringValue == "XPASS")
        let properties = suites[0].elements(forName: "properties").first?.elements(forName: "property") ?? []
        #expect(properties.contains { $0.attribute(forName: "name")?.stringValue == "seed" && $0.attribute(forName: "value")?.stringValue == String(UInt64.max) })
    }

    @Test func passingCasesAreEmpty() throws {
        let document = try XMLDocument(xmlString: xml)
        let cases = try #require(document.rootElement()).elements(forName: "testsuite").flatMap { $0.elements(forName: "testcase") }
        let pass = try #require(cases.first { $0.attribute(forName: "name")?.stringValue == "transport/websocket" })
        #expect((pass.children ?? []).filter { $0.kind == .element }.isEmpty)
    }
}
