import Foundation
import Testing
@testable import ConformanceKit

/// The catalogue covers the Spec: every requirement has a scenario, every cited ID exists, and the
/// scenario inputs that restate `Spec/vectors/messenger.json` stay in step with it.
@Suite struct ScenarioCoverageTests {

    @Test func everyRequirementHasAScenario() {
        let cited = Set(ScenarioCatalog.all.flatMap(\.requirements))
        let uncovered = RequirementCatalog.all.map(\.id).filter { !cited.contains($0) }
        #expect(uncovered.isEmpty, "requirements without a scenario: \(uncovered)")
    }

    @Test func everyCitedRequirementExists() {
        let known = Set(RequirementCatalog.all.map(\.id))
        let unknown = ScenarioCatalog.all.flatMap { scenario in scenario.requirements.filter { !known.contains($0) }.map { "\(scenario.id): \($0)" } }
        #expect(unknown.isEmpty, "\(unknown)")
    }

    @Test func scenarioIDsAreUniqueAndShaped() {
        let ids = ScenarioCatalog.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let parts = id.split(separator: "/")
            #expect(parts.count == 2 && id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "/" || $0 == "-" }, "\(id)")
        }
    }

    static func messengerVectors() throws -> [String: Any] {
        let data = try Data(contentsOf: SpecFiles.url("vectors/messenger.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func invalidBodiesMatchTheSpecVectors() throws {
        let vectors = try #require(try Self.messengerVectors()["postMessages"] as? [[String: Any]])
        let refused = vectors.filter { ($0["status"] as? Int) == 400 }.compactMap { $0["name"] as? String }
        #expect(SendScenarios.invalidBodies(sender: "a", receiver: "b").map(\.name) == refused)
    }

    @Test func invalidJoinArgumentsMatchTheSpecVectors() throws {
        let vectors = try #require(try Self.messengerVectors()["joinArguments"] as? [[String: Any]])
        let invalid = vectors.filter { ($0["valid"] as? Bool) == false }.compactMap { $0["name"] as? String }
        #expect(JoinScenarios.invalidJoinArguments.map(\.name) == invalid)
    }

    @Test(arguments: ["2026-11-22T12:00:00Z", "2026-11-22T12:00:00.123Z", "2026-11-22T12:00:00+01:00", "2026-11-22T12:00:00.5-0530", "2026-11-22T12:00:00"])
    func acceptsISO8601(text: String) { #expect(ISO8601Check.isDateTime(text)) }

    @Test(arguments: ["", "2026-11-22", "22/11/2026 12:00", "2026-11-22T12:00:00.Z", "2026-11-22T12:00:00+1", "1700000000", "2026-11-22T12:00:00Zjunk"])
    func refusesOtherDates(text: String) { #expect(!ISO8601Check.isDateTime(text)) }
}
