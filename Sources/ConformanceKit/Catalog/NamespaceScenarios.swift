import WireCodecs

/// Socket.IO namespace scenarios (Spec §1 NAMESPACE-1).
public enum NamespaceScenarios {
    public static let all: [Scenario] = [unknownNamespace]

    /// NAMESPACE-1: CONNECT_ERROR for another namespace; `/` keeps working.
    static let unknownNamespace = Scenario(
        id: "namespace/unknown-namespace", title: "CONNECT to another namespace gets CONNECT_ERROR and / keeps working",
        area: .namespace, requirements: ["NAMESPACE-1"], transports: [.webSocket], prerequisites: ["transport/websocket-only"]
    ) { context in
        let session = try await context.connect(context.label("client"))
        let namespace = "/kit-\(context.runToken)-\(context.scenarioTag)"
        let answer = try await session.connectNamespace(namespace)
        try context.expect(
            answer.type == .connectError, expected: "a CONNECT_ERROR packet 44\(namespace),{…} for \(namespace)",
            actual: KitFormat.truncated(answer.encoded(), limit: 200))
        let user = context.uniqueUser("namespace")
        _ = try await session.join(user)
        try await context.expectDelivery(to: session, user: user, after: "a refused CONNECT to \(namespace)", requirement: "NAMESPACE-1")
    }
}
