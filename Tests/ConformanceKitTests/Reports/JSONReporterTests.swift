import Foundation
import Testing
@testable import ConformanceKit

/// The JSON report validates against docs/conform-report.schema.json (required/type/enum/items/$ref).
@Suite struct JSONReporterTests {
    /// A JSON value that keeps booleans and numbers apart (decoded strictly by JSONDecoder).
    enum Tree: Decodable, Equatable {
        case null, bool(Bool), number(Double), string(String), array([Tree]), object([String: Tree])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else if let value = try? container.decode(String.self) { self = .string(value) }
            else if let value = try? container.decode([Tree].self) { self = .array(value) }
            else { self = .object(try container.decode([String: Tree].self)) }
        }

        subscript(key: String) -> Tree? { if case .object(let members) = self { members[key] } else { nil } }
        var array: [Tree]? { if case .array(let value) = self { value } else { nil } }
        var string: String? { if case .string(let value) = self { value } else { nil } }
        var number: Double? { if case .number(let value) = self { value } else { nil } }
    }

    let schema: Tree

    init() throws {
        let url = SpecFiles.packageRoot.appendingPathComponent("docs/conform-report.schema.json")
        schema = try JSONDecoder().decode(Tree.self, from: Data(contentsOf: url))
    }

    static func decode(_ text: String) throws -> Tree { try JSONDecoder().decode(Tree.self, from: Data(text.utf8)) }

    /// A minimal JSON Schema walker: `type`, `required`, `properties`, `items`, `enum`, local `$ref`.
    static func problems(_ value: Tree, _ schema: Tree, root: Tree, path: String = "$") -> [String] {
        var schema = schema
        if let reference = schema["$ref"]?.string {
            var target: Tree? = root
            for component in reference.dropFirst(2).split(separator: "/") { target = target?[String(component)] }
            guard let target else { return ["\(path): unresolved \(reference)"] }
            schema = target
        }
        var problems: [String] = []
        if let type = schema["type"]?.string, !matches(value, type) { problems.append("\(path): expected \(type), got \(value)") }
        if let allowed = schema["enum"]?.array, !allowed.contains(value) { problems.append("\(path): \(value) not in the enum") }
        if case .object(let members) = value {
            for key in schema["required"]?.array?.compactMap(\.string) ?? [] where members[key] == nil { problems.append("\(path): missing \(key)") }
            if case .object(let properties) = schema["properties"] ?? .null {
                for (key, subschema) in properties {
                    if let member = members[key] { problems += Self.problems(member, subschema, root: root, path: "\(path).\(key)") }
                }
            }
        }
        if case .array(let elements) = value, let items = schema["items"] {
            for (index, element) in elements.enumerated() { problems += Self.problems(element, items, root: root, path: "\(path)[\(index)]") }
        }
        return problems
    }

    static func matches(_ value: Tree, _ type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("number", .number), ("null", .null): true
        case ("integer", .number(let number)): number.rounded() == number
        default: false
        }
    }

    @Test func reportValidatesAgainstTheSchema() throws {
        let value = try Self.decode(try JSONReporter().render(ReportFixtures.report))
        #expect(Self.problems(value, schema, root: schema) == [])
    }

    @Test func checkerCatchesAMissingMemberAndABadEnum() throws {
        let value = try Self.decode(try JSONReporter().render(ReportFixtures.report))
        guard case .object(var members) = value, case .array(var results) = members["results"], case .object(var first) = results[0] else {
            Issue.record("unexpected shape")
            return
        }
        members.removeValue(forKey: "totals")
        first["verdict"] = .string("maybe")
        first["durationMilliseconds"] = .string("34")
        results[0] = .object(first)
        members["results"] = .array(results)
        let problems = Self.problems(.object(members), schema, root: schema)
        #expect(problems.contains("$: missing totals"))
        #expect(problems.contains { $0.hasPrefix("$.results[0].verdict:") })
        #expect(problems.contains { $0.hasPrefix("$.results[0].durationMilliseconds: expected number") })
    }

    @Test func reportCarriesRunMetadataAndResults() throws {
        let value = try Self.decode(try JSONReporter().render(ReportFixtures.report))
        let run = try #require(value["run"])
        #expect(run["seed"] == .string(String(UInt64.max)))
        #expect(run["targetURL"] == .string("http://127.0.0.1:5000"))
        #expect(run["exitStatus"] == .number(1))
        #expect(run["startedAt"] == .string("2027-01-15T08:00:00.000Z"))
        #expect(run["durationMilliseconds"] == .number(2000))
        #expect(value["kit"]?["specVersion"] == .string(RequirementCatalog.specVersion))
        let results = try #require(value["results"]?.array)
        #expect(results.count == 11)
        #expect(results[1]["verdict"] == .string("fail"))
        #expect(results[1]["expected"] == .array([.string("one all_messages event"), .string("an all_messages & <nothing else>")]))
        #expect(results[1]["wireTrace"]?.array?.first?["direction"] == .string("sent"))
        #expect(results[1]["actual"] == .string("error event \"bad\"\u{1}\u{7}"))
        #expect(results[4]["reason"] == .string("needs --restart-command"))
        #expect(results[4]["startedAtMilliseconds"] == nil)
        let causes = try #require(KnownFaults.byScenario["join/basic"])
        #expect(results[1]["knownFaults"] == .array(causes.map { .string($0) }))
        #expect(results[0]["knownFaults"] == nil)  // a pass
        #expect(value["totals"]?["total"] == .number(11))
        #expect(value["totals"]?["unexpectedPasses"] == .number(1))
    }
}
