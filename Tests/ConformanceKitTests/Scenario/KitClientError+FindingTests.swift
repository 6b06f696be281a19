import Testing
@testable import ConformanceKit

/// The scenario layer's verdict on each client error: the server's mistakes fail, citing the
/// requirement; what leaves the kit unable to decide is inconclusive.
struct KitClientErrorFindingTests {
    static let failures: [(KitClientError, ScenarioFailure)] = [
        (.webSocketRefused(target: "/t", actual: "HTTP 400"),
         ScenarioFailure(expected: "HTTP 101 Switching Protocols to a WebSocket for GET /t (TRANSPORT-2)", actual: "HTTP 400")),
        (.pollingHandshakeFailed(target: "/t", actual: "closed"),
         ScenarioFailure(expected: "an HTTP 200 answer to GET /t (TRANSPORT-3)", actual: "closed")),
        (.noOpenPacket(transport: .polling, actual: "'x'"),
         ScenarioFailure(expected: "HTTP 200 whose body starts with an Engine.IO open packet 0{\"sid\":…} (TRANSPORT-3, TRANSPORT-5)", actual: "'x'")),
        (.upgradeNotOffered(upgrades: []),
         ScenarioFailure(expected: "\"upgrades\" of the polling open packet lists \"websocket\" (TRANSPORT-4)", actual: "upgrades []")),
        (.upgradeRefused(target: "/u", actual: "HTTP 400"), ScenarioFailure(expected: "HTTP 101 to the upgrade request GET /u (TRANSPORT-4)", actual: "HTTP 400")),
        (.probeUnanswered(actual: "nothing"), ScenarioFailure(expected: "3probe in answer to 2probe on the new WebSocket (TRANSPORT-4)", actual: "nothing")),
        (.closedDuringUpgrade(reason: "r"), ScenarioFailure(expected: "the session stays open through the upgrade (TRANSPORT-4)", actual: "closed: r")),
        (.sessionClosed(session: "a#1", reason: "r"), ScenarioFailure(expected: "session a#1 still open", actual: "it was closed: r")),
        (.noNamespaceAnswer(namespace: "/n", actual: "nothing"), ScenarioFailure(expected: "a CONNECT or CONNECT_ERROR answer for namespace /n", actual: "nothing")),
        (.rootConnectRefused(user: "u", isAuthenticated: false, isConnectError: true, answer: "44{}", witnesses: [OperationID(2)]),
         ScenarioFailure(
            expected: "a CONNECT answer for / carrying an object with a string sid, e.g. 40{\"sid\":\"…\"} (TRANSPORT-1)",
            actual: "44{} (the server requires authentication: run conform with --auth-secret-file PATH)", witnesses: [OperationID(2)])),
        (.rootConnectRefused(user: "u", isAuthenticated: true, isConnectError: true, answer: "44{}", witnesses: []),
         ScenarioFailure(
            expected: "a CONNECT answer for / carrying an object with a string sid, e.g. 40{\"sid\":\"…\"} (TRANSPORT-1, AUTH-2 with a valid token for u)",
            actual: "44{}")),
        (.noAllMessages(session: "a#1", limit: .seconds(5), actual: "only x", witnesses: [OperationID(4)]),
         ScenarioFailure(expected: "an all_messages event on a#1 within 5 s of emitting join (JOIN-1)", actual: "only x", witnesses: [OperationID(4)])),
    ]

    @Test(arguments: failures.indices)
    func serverMistakesFail(index: Int) {
        let (error, expected) = Self.failures[index]
        #expect(error.finding as? ScenarioFailure == expected)
    }

    static let doubts: [(KitClientError, String)] = [
        (.unreachable(reason: "connection refused"), "server unreachable: connection refused"),
        (.pollingHandshakeTimedOut(limit: .seconds(5)), "the polling handshake got no answer within 5 s"),
        (.wrongTransport(reason: "a#1 is not on polling: nothing to upgrade"), "a#1 is not on polling: nothing to upgrade"),
        (.sendStalled(session: "a#1", limit: .seconds(10)), "a#1: the previous send did not finish within 10 s"),
        (.pollingPostFailed(session: "a#1", failure: "timed out"), "a#1: polling POST: timed out"),
    ]

    @Test(arguments: doubts.indices)
    func kitDoubtsAreInconclusive(index: Int) {
        let (error, reason) = Self.doubts[index]
        #expect(error.finding as? ScenarioInconclusive == ScenarioInconclusive(reason))
    }

    @Test func theRunnerJudgesAClientErrorLikeItsFinding() async {
        let outcome = await ScenarioExecution.outcome { throw KitClientError.probeUnanswered(actual: "nothing") }
        guard case .failed(let failure) = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(failure.expected == ["3probe in answer to 2probe on the new WebSocket (TRANSPORT-4)"])
        let doubt = await ScenarioExecution.outcome { throw KitClientError.unreachable(reason: "refused") }
        guard case .inconclusive(let inconclusive) = doubt else { Issue.record("expected inconclusive, got \(doubt)"); return }
        #expect(inconclusive.reason == "server unreachable: refused")
    }
}
