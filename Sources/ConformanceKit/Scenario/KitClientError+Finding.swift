/// The scenario layer's reading of the client's errors: which are failures of the server (quoting
/// the Spec requirements they break) and which leave the kit unable to decide.
extension KitClientError {
    /// The verdict-carrying error a scenario throws for this client error.
    public var finding: any Error {
        switch self {
        case .unreachable(let reason):
            return ScenarioInconclusive("server unreachable: \(reason)")
        case .webSocketRefused(let target, let actual):
            return ScenarioFailure(expected: ["HTTP 101 Switching Protocols to a WebSocket for GET \(target) (TRANSPORT-2)"], actual: actual)
        case .pollingHandshakeFailed(let target, let actual):
            return ScenarioFailure(expected: ["an HTTP 200 answer to GET \(target) (TRANSPORT-3)"], actual: actual)
        case .pollingHandshakeTimedOut(let limit):
            return ScenarioInconclusive("the polling handshake got no answer within \(KitFormat.duration(limit))")
        case .noOpenPacket(.webSocket, let actual):
            return ScenarioFailure(
                expected: ["an Engine.IO open packet 0{\"sid\":…,\"upgrades\":[…],\"pingInterval\":…,\"pingTimeout\":…,\"maxPayload\":…} as the first WebSocket message (TRANSPORT-5)"],
                actual: actual)
        case .noOpenPacket(_, let actual):
            return ScenarioFailure(
                expected: ["HTTP 200 whose body starts with an Engine.IO open packet 0{\"sid\":…} (TRANSPORT-3, TRANSPORT-5)"], actual: actual)
        case .upgradeNotOffered(let upgrades):
            return ScenarioFailure(
                expected: ["\"upgrades\" of the polling open packet lists \"websocket\" (TRANSPORT-4)"], actual: "upgrades \(upgrades)")
        case .upgradeRefused(let target, let actual):
            return ScenarioFailure(expected: ["HTTP 101 to the upgrade request GET \(target) (TRANSPORT-4)"], actual: actual)
        case .probeUnanswered(let actual):
            return ScenarioFailure(expected: ["3probe in answer to 2probe on the new WebSocket (TRANSPORT-4)"], actual: actual)
        case .closedDuringUpgrade(let reason):
            return ScenarioFailure(expected: ["the session stays open through the upgrade (TRANSPORT-4)"], actual: "closed: \(reason)")
        case .wrongTransport, .sendStalled, .pollingPostFailed:
            return ScenarioInconclusive(description)
        case .sessionClosed(let session, let reason):
            return ScenarioFailure(expected: ["session \(session) still open"], actual: "it was closed: \(reason)")
        case .noNamespaceAnswer(let namespace, let actual):
            return ScenarioFailure(expected: ["a CONNECT or CONNECT_ERROR answer for namespace \(namespace)"], actual: actual)
        case .rootConnectRefused(let user, let isAuthenticated, let isConnectError, let answer, let witnesses):
            let refusal = isConnectError && !isAuthenticated
                ? " (the server requires authentication: run conform with --auth-secret-file PATH)" : ""
            return ScenarioFailure(
                expected: ["a CONNECT answer for / carrying an object with a string sid, e.g. 40{\"sid\":\"…\"} (TRANSPORT-1\(isAuthenticated ? ", AUTH-2 with a valid token for \(user)" : ""))"],
                actual: answer + refusal, witnesses: witnesses)
        case .noAllMessages(let session, let limit, let actual, let witnesses):
            return ScenarioFailure(
                expected: ["an all_messages event on \(session) within \(KitFormat.duration(limit)) of emitting join (JOIN-1)"],
                actual: actual, witnesses: witnesses)
        }
    }
}
