import WireCodecs

/// Before an unauthenticated run: does the server refuse a CONNECT without a token (Spec AUTH-2)?
/// Then every scenario would fail for one reason, so `conform` says so in one line instead (exit 2).
public enum AuthenticationProbe {
    /// The server's CONNECT_ERROR message when it refuses a CONNECT to `/` without a token; nil when it
    /// accepts it, or when the probe could not tell (the run then reports what it finds).
    public static func refusal(target: any ServerTarget, timeoutFactor: Double = 1) async -> String? {
        let context = ScenarioContext(scenarioID: "probe/authentication", seed: 0, runToken: "probe", timeoutFactor: timeoutFactor, target: target)
        let answer: SocketIOPacket? = await {
            guard let session = try? await context.connect("probe", connectNamespace: false) else { return nil }
            return try? await session.connectNamespace("/")
        }()
        await context.runTeardowns()
        guard let answer, answer.type == .connectError else { return nil }
        return answer.data?["message"]?.stringValue ?? answer.encoded()
    }

    /// The one line `conform` prints for such a server.
    public static func advice(message: String) -> String {
        "the server requires authentication (CONNECT without a token refused: \(KitFormat.truncated(message, limit: 120))); "
            + "pass the secret it shares with its backend: conform URL --auth-secret-file PATH"
    }
}
