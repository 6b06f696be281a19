import Foundation
import Testing

/// The `conform` self-check as a user runs it: the whole catalogue against the embedded reference
/// server (a child process, so the restart and kill -9 scenarios run for real), with both reports.
@Suite(.serialized) struct ConformCommandTests {
    @Test func selfCheckPassesEveryScenarioIncludingRestartAndCrash() async throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("conform-\(UUID().uuidString).json").path
        let junit = json.replacingOccurrences(of: ".json", with: ".xml")
        let html = json.replacingOccurrences(of: ".json", with: ".html")
        let result = try await ConformProcess.run(["--json", json, "--junit", junit, "--html", html])
        let lines = result.output.split(separator: "\n")
        #expect(result.status == 0, "\(result.output.suffix(4000))\n\(result.error.suffix(2000))")
        let closing = try #require(lines.last.map(String.init))
        #expect(closing.hasSuffix(" passed, 0 failed, 0 skipped"), "\(closing)")
        #expect(lines.contains { $0.contains("PASS durability/crash-acknowledged") }, "the kill -9 scenario ran")
        #expect(lines.contains { $0.contains("PASS durability/restart") }, "the restart scenario ran")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect(report?["results"] != nil)
        #expect(FileManager.default.fileExists(atPath: junit))
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<h1>conform: PASS</h1>"))
        #expect(page.contains("PASS</span> <code class=\"id\">durability/crash-acknowledged</code>"))
    }
}
