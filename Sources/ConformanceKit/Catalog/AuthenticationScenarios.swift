import WireCodecs

/// Spec §11: a server that requires authentication acts only as the user a token names (AUTH-2..8).
/// Every scenario needs `--auth-secret-file`; the rest of the catalogue then runs authenticated too.
enum AuthenticationScenarios {
    static let all: [Scenario] = [
        connectWithoutToken, forgedTokens, invalidClaims, joinAnotherUser, readAnotherHistory, expiryDuringSession,
        postWithoutValidToken, postAsAnotherSender,
    ]

    /// The kit's authentication (the scenarios run only with it).
    static func authentication(_ context: ScenarioContext) throws -> KitAuthentication {
        guard let authentication = context.authentication else { try context.inconclusive("the run has no --auth-secret-file") }
        return authentication
    }

    /// Opens a session, sends CONNECT for `/` with `auth`, and fails unless the answer is CONNECT_ERROR
    /// with a string `message` (Spec AUTH-2). `what` names the token in the report.
    static func expectConnectRefused(_ context: ScenarioContext, auth: JSONValue?, what: String, transport: TransportKind = .webSocket) async throws -> KitSession {
        let session = try await context.connect(context.label("refused"), transport: transport, connectNamespace: false)
        let answer = try await session.connectNamespace("/", auth: auth)
        try context.expect(
            answer.type == .connectError && answer.data?["message"]?.stringValue != nil,
            expected: #"CONNECT_ERROR for / with a string "message", e.g. 44{"message":"…"}, for \#(what) (AUTH-2)"#,
            actual: KitFormat.truncated(answer.encoded(), limit: 200))
        return session
    }

    /// Emits `join` for `victim` on a session whose CONNECT was refused, POSTs to `victim`, and fails if
    /// the session receives `all_messages` or `new_message` (it must be bound to nothing).
    static func expectBoundToNothing(_ context: ScenarioContext, _ session: KitSession, victim: String) async throws {
        try? await session.sendSocketIO(.event("join", [.string(victim)]))
        let sent = try await context.postAccepted(sender: context.uniqueUser("sender"), receiver: victim, content: context.nonce())
        let leaked = await session.collectEvents(for: context.timeout(.milliseconds(800)))
            .filter { $0.name == "all_messages" || $0.name == "new_message" }
        try context.expect(leaked.isEmpty, expected: "nothing for \(victim) on a session whose CONNECT was refused (AUTH-2)",
                           actual: leaked.map(\.summary).joined(separator: "; "), witnesses: [sent.operation] + leaked.map(\.operation))
    }

    static let connectWithoutToken = Scenario(
        id: "auth/connect-without-token",
        title: "A CONNECT without a valid token gets CONNECT_ERROR and binds nothing",
        area: .authentication, requirements: ["AUTH-1", "AUTH-2"], transports: [.webSocket, .polling], needs: [.authentication]
    ) { context in
        _ = try authentication(context)
        let victim = context.uniqueUser("victim")
        let cases: [(String, JSONValue?, TransportKind)] = [
            ("no auth payload", nil, .webSocket),
            ("no auth payload (polling)", nil, .polling),
            ("an empty object", .object([]), .webSocket),
            ("an empty token", KitAuthentication.connectPayload(""), .webSocket),
            ("a token that is a number", .object([JSONMember("token", .number(42))]), .webSocket),
            ("a token that is no JWT", KitAuthentication.connectPayload("not-a-token"), .webSocket),
        ]
        for (what, auth, transport) in cases {
            let session = try await expectConnectRefused(context, auth: auth, what: what, transport: transport)
            if what == "no auth payload" { try await expectBoundToNothing(context, session, victim: victim) }
            await session.close()
        }
    }

    /// Tokens that are forged or altered (Spec AUTH-3), built from a valid one for `user`.
    static func forgedTokens(_ authentication: KitAuthentication, user: String, victim: String) -> [(String, String)] {
        let claims = authentication.claims(for: user)
        let valid = authentication.signed(payload: claims)
        let parts = valid.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let noneHeader = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let victimPayload = Base64URL.encode(Array(authentication.claims(for: victim).serialized().utf8))
        let hs512Header = Base64URL.encode(Array(#"{"alg":"HS512","typ":"JWT"}"#.utf8))
        var flipped = Array(parts[2])
        flipped[5] = flipped[5] == "A" ? "B" : "A"
        return [
            ("alg none without a signature", noneHeader + "." + parts[1] + "."),
            ("alg none with the valid token's signature", noneHeader + "." + parts[1] + "." + parts[2]),
            ("alg none signed with the secret", authentication.signed(header: .object([JSONMember("alg", .string("none"))]), payload: claims)),
            ("signed with another secret", authentication.signed(payload: claims, secret: Array("conform-not-the-secret".utf8))),
            ("payload changed to another user after signing", parts[0] + "." + victimPayload + "." + parts[2]),
            ("header changed to HS512 after signing", hs512Header + "." + parts[1] + "." + parts[2]),
            ("one signature character changed", parts[0] + "." + parts[1] + "." + String(flipped)),
            ("no signature", parts[0] + "." + parts[1] + "."),
        ]
    }

    static let forgedTokens = Scenario(
        id: "auth/forged-tokens",
        title: "Tokens with alg none, a bad signature, another secret or an altered payload are refused",
        area: .authentication, requirements: ["AUTH-3", "AUTH-2"], transports: [.webSocket], needs: [.authentication]
    ) { context in
        let authentication = try authentication(context)
        let user = context.uniqueUser("forger"), victim = context.uniqueUser("victim")
        for (what, token) in forgedTokens(authentication, user: user, victim: victim) {
            let session = try await expectConnectRefused(context, auth: KitAuthentication.connectPayload(token), what: "a token with " + what)
            await session.close()
        }
    }

    static let invalidClaims = Scenario(
        id: "auth/invalid-claims",
        title: "Expired, not yet valid, subject-less and expiry-less tokens are refused",
        area: .authentication, requirements: ["AUTH-4", "AUTH-2"], transports: [.webSocket], needs: [.authentication]
    ) { context in
        let authentication = try authentication(context)
        let user = context.uniqueUser("claims")
        let now = KitAuthentication.unixTime()
        // An hour away from now: beyond any leeway the Spec allows (60 s).
        var cases: [(String, JSONValue)] = [
            ("exp an hour ago", authentication.claims(for: user, expiresAt: now - 3_600)),
            ("nbf in an hour", authentication.claims(for: user, extra: [JSONMember("nbf", .number(Double(now + 3_600)))])),
            ("iat in an hour", .object([
                JSONMember("sub", .string(user)), JSONMember("iat", .number(Double(now + 3_600))),
                JSONMember("exp", .number(Double(now + 7_200))),
            ] + (authentication.audience.map { [JSONMember("aud", .string($0))] } ?? []))),
            ("no sub", .object([JSONMember("exp", .number(Double(now + 3_600)))] + (authentication.audience.map { [JSONMember("aud", .string($0))] } ?? []))),
            ("no exp", .object([JSONMember("sub", .string(user))] + (authentication.audience.map { [JSONMember("aud", .string($0))] } ?? []))),
            ("a string exp", .object([JSONMember("sub", .string(user)), JSONMember("exp", .string(String(now + 3_600)))]
                + (authentication.audience.map { [JSONMember("aud", .string($0))] } ?? []))),
        ]
        if authentication.audience != nil {
            cases.append(("another audience", .object([
                JSONMember("sub", .string(user)), JSONMember("exp", .number(Double(now + 3_600))), JSONMember("aud", .string("conform-another-audience")),
            ])))
        }
        for (what, claims) in cases {
            let session = try await expectConnectRefused(context, auth: KitAuthentication.connectPayload(authentication.signed(payload: claims)),
                                                         what: "a correctly signed token with " + what)
            await session.close()
        }
        // The same user with valid claims connects: the refusals above were about the claims.
        let session = try await context.connect(context.label("valid"), user: user)
        _ = try await session.join(user)
    }

    static let joinAnotherUser = Scenario(
        id: "auth/join-another-user",
        title: "A join with a name other than the token's sub gets an error event and binds nothing",
        area: .authentication, requirements: ["AUTH-5"], transports: [.webSocket], needs: [.authentication]
    ) { context in
        _ = try authentication(context)
        let user = context.uniqueUser("alice"), victim = context.uniqueUser("bob")
        let session = try await context.connect(context.label("alice"), user: user)
        try await session.sendSocketIO(.event("join", [.string(victim)]))
        let answer = await session.waitForEvent(timeout: context.eventTimeout) { $0.name == "error" || $0.name == "all_messages" }
        try context.expect(answer?.name == "error" && answer?.arguments.first?["message"]?.stringValue != nil,
                           expected: #"an error event {"message":…} for join "\#(victim)" on a session whose token is for \#(user) (AUTH-5)"#,
                           actual: answer?.summary ?? "nothing within \(KitFormat.duration(context.eventTimeout))")
        let toVictim = try await context.postAccepted(sender: context.uniqueUser("sender"), receiver: victim, content: context.nonce())
        // The session stays usable for its own user; the sentinel proves the victim's message had its chance.
        _ = try await session.join(user)
        let sentinel = try await context.flush([session], user: user)
        try context.expect(!session.newMessageContents.contains(toVictim.sent.nonce),
                           expected: "no new_message for \(victim) on \(user)'s session (AUTH-5)",
                           actual: "new_message contents \(session.newMessageContents) (sentinel \(sentinel))", witnesses: [toVictim.operation])
    }

    static let readAnotherHistory = Scenario(
        id: "auth/read-another-history",
        title: "A session cannot read another user's history by joining as that user",
        area: .authentication, requirements: ["AUTH-5"], transports: [.webSocket, .polling], needs: [.authentication]
    ) { context in
        _ = try authentication(context)
        let user = context.uniqueUser("alice"), victim = context.uniqueUser("bob")
        let secret = try await context.postAccepted(sender: context.uniqueUser("friend"), receiver: victim, content: context.nonce())
        for transport in [TransportKind.webSocket, .polling] {
            let session = try await context.connect(context.label("alice"), transport: transport, user: user)
            try await session.sendSocketIO(.event("join", [.string(victim)]))
            let answer = await session.waitForEvent(timeout: context.eventTimeout) { $0.name == "error" || $0.name == "all_messages" }
            let leaked = session.events.contains { event in
                event.name == "all_messages" && JSONSerializer.serialize(event.arguments.first ?? .null).contains(secret.sent.nonce)
            }
            try context.expect(answer?.name == "error" && !leaked,
                               expected: "an error event and no all_messages for join \"\(victim)\" with \(user)'s token (\(transport.rawValue), AUTH-5)",
                               actual: (answer?.summary ?? "nothing") + (leaked ? " — \(victim)'s history was sent" : ""),
                               witnesses: [secret.operation])
            await session.close()
        }
    }

    static let expiryDuringSession = Scenario(
        id: "auth/expiry-during-session",
        title: "When the token expires the server emits error, disconnects / and closes the session",
        area: .authentication, requirements: ["AUTH-6"], transports: [.webSocket, .polling], needs: [.authentication]
    ) { context in
        let authentication = try authentication(context)
        let lifetime: Int64 = 2
        for transport in [TransportKind.webSocket, .polling] {
            let user = context.uniqueUser("expiring")
            let session = try await context.connect(context.label("expiring"), transport: transport, connectNamespace: false)
            let expiresAt = KitAuthentication.unixTime() + lifetime
            let token = authentication.signed(payload: authentication.claims(for: user, expiresAt: expiresAt))
            try await session.connectRoot(as: user, token: token, operation: nil)
            _ = try await session.join(user)
            // exp + the server's leeway + 5 s for the timer and the wire.
            let wait = context.timeout(.seconds(lifetime + Int64(authentication.leewaySeconds) + 5))
            let error = await session.waitForEvent(timeout: wait) { $0.name == "error" }
            try context.expect(error?.arguments.first?["message"]?.stringValue != nil,
                               expected: #"an error event {"message":…} once the token expired (\#(transport.rawValue), AUTH-6)"#,
                               actual: "nothing within \(KitFormat.duration(wait)); events \(session.eventNames)")
            let closed = await session.waitUntilClosed(timeout: context.timeout(.seconds(5)))
            try context.expect(session.isRootDisconnectedByServer && closed,
                               expected: "a DISCONNECT for / (41) and the session closed after the error event (\(transport.rawValue), AUTH-6)",
                               actual: "DISCONNECT \(session.isRootDisconnectedByServer ? "received" : "not received"), session \(closed ? "closed" : "still open")")
        }
    }

    /// Bearer tokens a POST must be refused for (Spec AUTH-7): none, forged, expired.
    static func invalidBearers(_ authentication: KitAuthentication, sender: String) -> [(String, [(String, String)])] {
        let now = KitAuthentication.unixTime()
        let forged = forgedTokens(authentication, user: sender, victim: sender)
        return [
            ("no Authorization field", []),
            ("a Basic credential", [("Authorization", "Basic Y29uZm9ybTpjb25mb3Jt")]),
            ("an empty Bearer token", [("Authorization", "Bearer ")]),
            ("a token with " + forged[0].0, [("Authorization", "Bearer " + forged[0].1)]),
            ("a token with " + forged[3].0, [("Authorization", "Bearer " + forged[3].1)]),
            ("an expired token", [("Authorization", "Bearer " + authentication.signed(payload: authentication.claims(for: sender, expiresAt: now - 3_600)))]),
        ]
    }

    static let postWithoutValidToken = Scenario(
        id: "auth/post-without-valid-token",
        title: "POST /messages without a valid bearer token is answered 401 with WWW-Authenticate: Bearer",
        area: .authentication, requirements: ["AUTH-7"], transports: [.http, .webSocket], needs: [.authentication]
    ) { context in
        let authentication = try authentication(context)
        let sender = context.uniqueUser("sender"), receiver = context.uniqueUser("receiver")
        let (session, _) = try await context.joinedSession(context.label("receiver"), user: receiver)
        for (what, authorization) in invalidBearers(authentication, sender: sender) {
            let body: JSONValue = .object([JSONMember("sender", .string(sender)), JSONMember("receiver", .string(receiver)), JSONMember("content", .string(context.nonce()))])
            let result = try await context.post(
                body: Array(body.serialized().utf8), sender: sender, receiver: receiver, content: body["content"]?.stringValue ?? "",
                headers: [("Content-Type", "application/json")] + authorization)
            let challenge = result.headers["WWW-Authenticate"] ?? ""
            try context.expect(
                result.status == 401 && challenge.lowercased().hasPrefix("bearer") && result.json?["error"]?.stringValue != nil,
                expected: #"401 with WWW-Authenticate: Bearer … and a JSON object carrying a string "error", for \#(what) (AUTH-7)"#,
                actual: "\(result.status.map(String.init) ?? "no answer"), WWW-Authenticate: \(challenge.isEmpty ? "(absent)" : challenge), body \(result.json.map { JSONSerializer.serialize($0) } ?? "(no JSON)")",
                witnesses: [result.operation])
        }
        try await context.expectNothingStoredOrDelivered(session, receiver: receiver, because: "refused POSTs (AUTH-7)")
    }

    static let postAsAnotherSender = Scenario(
        id: "auth/post-as-another-sender",
        title: "POST /messages whose token is for another user than the sender is answered 403",
        area: .authentication, requirements: ["AUTH-8"], transports: [.http, .webSocket], needs: [.authentication]
    ) { context in
        let authentication = try authentication(context)
        let impostor = context.uniqueUser("mallory"), sender = context.uniqueUser("alice"), receiver = context.uniqueUser("receiver")
        let (session, _) = try await context.joinedSession(context.label("receiver"), user: receiver)
        let content = context.nonce()
        let body: JSONValue = .object([JSONMember("sender", .string(sender)), JSONMember("receiver", .string(receiver)), JSONMember("content", .string(content))])
        let result = try await context.post(
            body: Array(body.serialized().utf8), sender: sender, receiver: receiver, content: content,
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer " + authentication.token(for: impostor))])
        try context.expect(result.status == 403 && result.json?["error"]?.stringValue != nil,
                           expected: #"403 with a JSON object carrying a string "error" for sender \#(sender) with \#(impostor)'s token (AUTH-8)"#,
                           actual: "\(result.status.map(String.init) ?? "no answer") \(result.json.map { JSONSerializer.serialize($0) } ?? "(no JSON)")",
                           witnesses: [result.operation])
        try await context.expectNothingStoredOrDelivered(session, receiver: receiver, because: "refused POSTs (AUTH-8)")
    }
}
