import Testing
@testable import ConformanceKit

@Suite struct ScenarioListFormatterTests {
    @Test func listsColumnsAligned() {
        let text = ScenarioListFormatter.format([
            FakeScenario.make("join/basic", requirements: ["JOIN-1", "JOIN-2"]),
            FakeScenario.make("delivery/latency", area: .delivery, requirements: ["DELIVER-4"]),
            FakeScenario.make("extension/send", area: .extension, requirements: ["EXT-2"]),
        ])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines == [
            "ID                LEVEL     AREA       REQUIREMENTS   TITLE",
            "join/basic        MUST      Join       JOIN-1,JOIN-2  Title of join/basic",
            "delivery/latency  SHOULD    Delivery   DELIVER-4      Title of delivery/latency",
            "extension/send    OPTIONAL  Extension  EXT-2          Title of extension/send",
            "3 scenarios",
        ])
    }
}
