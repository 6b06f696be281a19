import Synchronization
@testable import ConformanceKit

/// A target that records restarts and crashes instead of doing them.
struct FakeTarget: ServerTarget {
    var baseURL = "http://127.0.0.1:9"
    let calls = Recorder<String>()

    func restart() async throws { calls.append("restart") }
    func crash() async throws { calls.append("crash") }
}

/// A thread-safe list tests append to from scenario bodies.
final class Recorder<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    func append(_ element: Element) { storage.withLock { $0.append(element) } }

    var values: [Element] { storage.withLock { $0 } }
}

/// Fake scenarios for runner and report tests.
enum FakeScenario {
    static func make(
        _ id: String, area: ScenarioArea = .join, requirements: [String] = ["JOIN-1"], prerequisites: [String] = [],
        isExclusive: Bool = false, isHeartbeatBound: Bool = false, needs: Set<Capability> = [],
        body: @escaping @Sendable (ScenarioContext) async throws -> Void = { _ in }
    ) -> Scenario {
        Scenario(
            id: id, title: "Title of \(id)", area: area, requirements: requirements, transports: [.webSocket],
            prerequisites: prerequisites, isExclusive: isExclusive, isHeartbeatBound: isHeartbeatBound, needs: needs, body: body
        )
    }

    static func failing(_ id: String, area: ScenarioArea = .join, requirements: [String] = ["JOIN-1"], prerequisites: [String] = []) -> Scenario {
        make(id, area: area, requirements: requirements, prerequisites: prerequisites) { _ in
            throw ScenarioFailure(expected: ["one all_messages"], actual: "none", witnesses: [OperationID(1)])
        }
    }
}

extension Duration {
    static func ms(_ value: Int) -> Duration { .milliseconds(value) }
}
