import WireCodecs

/// Spec §3: `join` and `all_messages`.
enum JoinScenarios {
    static let all: [Scenario] = [basic, historyShape, onlyToJoiner, doubleJoin, rebind, invalidArguments]

    static let basic = Scenario(
        id: "join/basic",
        title: "A join is answered by exactly one all_messages ({} for a new user)",
        area: .join, requirements: ["JOIN-1"], transports: [.webSocket]
    ) { context in
        let user = context.uniqueUser("newcomer")
        let session = try await context.connect(context.label("session"))
        let history = try await session.join(user)
        try context.expect(history.raw == .object([]), expected: "all_messages {} for a user without messages",
                           actual: JSONSerializer.serialize(history.raw), witnesses: [history.operation])
        try await context.flush([session], user: user)
        let count = session.eventNames.filter { $0 == "all_messages" }.count
        try context.expectEqual(count, 1, "all_messages events for one join")
    }

    static let historyShape = Scenario(
        id: "join/history-shape",
        title: "all_messages groups every message by the other party, sent and received, once each, in order",
        area: .join, requirements: ["JOIN-2", "JOIN-3"], transports: [.webSocket], prerequisites: ["join/basic"]
    ) { context in
        let user = context.uniqueUser("user"), first = context.uniqueUser("first"), second = context.uniqueUser("second")
        let plan: [(String, String)] = [(first, user), (user, first), (second, user), (user, user), (first, user), (user, second)]
        var expected: [String: [(sender: String, content: String)]] = [:]
        for (sender, receiver) in plan {
            let content = context.nonce()
            try await context.postAccepted(sender: sender, receiver: receiver, content: content)
            let party = sender == user ? receiver : sender
            expected[party, default: []].append((sender, content))
        }
        let session = try await context.connect(context.label("session"))
        let history = try await session.join(user)
        if let shapeError = history.shapeError {
            try context.fail(expected: ["an object of party → array of {sender, content, timestamp} (Spec JOIN-2)"], actual: shapeError, witnesses: [history.operation])
        }
        let conversations = history.conversations.map { ($0.party, $0.messages) }
        try context.expect(Set(conversations.map(\.0)) == Set(expected.keys) && conversations.count == expected.count,
                           expected: "conversations keyed by \(expected.keys.sorted())", actual: "\(conversations.map(\.0))", witnesses: [history.operation])
        for (party, messages) in conversations {
            let listed = messages.map { "\($0.sender): \($0.content)" }
            let wanted = (expected[party] ?? []).map { "\($0.sender): \($0.content)" }
            try context.expect(listed == wanted, expected: "conversation with \(party): \(wanted)", actual: "\(listed)", witnesses: [history.operation])
        }
    }

    static let onlyToJoiner = Scenario(
        id: "join/only-to-joiner",
        title: "all_messages goes to the joining session only, not to the user's other sessions",
        area: .join, requirements: ["JOIN-4"], transports: [.webSocket, .polling], prerequisites: ["join/basic"]
    ) { context in
        let user = context.uniqueUser("user")
        let (first, _) = try await context.joinedSession(context.label("first"), user: user)
        let (second, _) = try await context.joinedSession(context.label("second"), user: user, transport: .polling)
        let bystander = try await context.connect(context.label("unjoined"))
        _ = try await context.joinedSession(context.label("third"), user: user)
        try await context.flush([first, second], user: user)
        for session in [first, second] {
            let count = session.eventNames.filter { $0 == "all_messages" }.count
            try context.expectEqual(count, 1, "all_messages events on \(session.label) after another session joined")
        }
        _ = try await bystander.join(context.uniqueUser("bystander"))
        let before = bystander.events.prefix { $0.name != "all_messages" }
        try context.expect(before.isEmpty, expected: "no event on an unjoined session before its own join",
                           actual: "\(before.map(\.name))")
    }

    static let doubleJoin = Scenario(
        id: "join/double-join",
        title: "Joining twice with one name yields one all_messages per join and each later message once",
        area: .join, requirements: ["JOIN-5"], transports: [.webSocket], prerequisites: ["join/basic"]
    ) { context in
        let user = context.uniqueUser("user")
        let session = try await context.connect(context.label("session"))
        _ = try await session.join(user)
        _ = try await session.join(user)
        let sent = try await context.postAccepted(sender: context.uniqueUser("sender"), receiver: user, content: context.nonce())
        let sentinel = try await context.flush([session], user: user)
        try context.expectEqual(session.eventNames.filter { $0 == "all_messages" }.count, 2, "all_messages events for two joins")
        try context.expectEqual(session.newMessageContents, [sent.sent.nonce, sentinel], "new_message contents after the double join")
    }

    static let rebind = Scenario(
        id: "join/rebind",
        title: "Joining with another name rebinds the session to the new user",
        area: .join, requirements: ["JOIN-6"], transports: [.webSocket], prerequisites: ["join/basic"],
        conflicts: [.authentication]  // Spec AUTH-5: an authenticated session joins only its token's user
    ) { context in
        let old = context.uniqueUser("old"), new = context.uniqueUser("new")
        let session = try await context.connect(context.label("session"))
        _ = try await session.join(old)
        let history = try await session.join(new)
        try context.expect(history.raw == .object([]), expected: "the new user's (empty) history", actual: JSONSerializer.serialize(history.raw))
        let toOld = try await context.postAccepted(sender: context.uniqueUser("sender"), receiver: old, content: context.nonce())
        let toNew = try await context.postAccepted(sender: context.uniqueUser("sender"), receiver: new, content: context.nonce())
        let sentinel = try await context.flush([session], user: new)
        try context.expectEqual(session.newMessageContents, [toNew.sent.nonce, sentinel],
                                "new_message contents (the message to the previous user \(toOld.sent.nonce) must not arrive)")
    }

    /// The invalid `join` arguments of `Spec/vectors/messenger.json`.
    static let invalidJoinArguments: [(name: String, arguments: [JSONValue])] = [
        ("no argument", []), ("empty name", [.string("")]), ("number", [.number(42)]), ("null", [.null]),
        ("object", [.object([JSONMember("name", .string("alice"))])]), ("array", [.array([.string("alice")])]),
    ]

    static let invalidArguments = Scenario(
        id: "join/invalid-arguments",
        title: "A join without a non-empty string gets an error event, binds nothing, and the session stays usable",
        area: .join, requirements: ["JOIN-7"], transports: [.webSocket], prerequisites: ["join/basic"]
    ) { context in
        let session = try await context.connect(context.label("session"))
        for (name, arguments) in invalidJoinArguments {
            try await session.emit("join", arguments)
            let answer = await session.nextEvent(timeout: context.eventTimeout)
            try context.expect(answer?.name == "error" && answer?.arguments.first?["message"]?.stringValue != nil,
                               expected: #"an "error" event with {"message": <string>} for a join with \#(name)"#,
                               actual: answer.map { "\($0.name) \($0.arguments.map { JSONSerializer.serialize($0) })" } ?? "nothing within \(context.eventTimeout)")
        }
        // A server that bound the session to a stringified argument would now deliver these.
        for name in ["42", "null", "None", "[object Object]", "undefined", "alice"] {
            _ = try await context.post(sender: context.uniqueUser("probe"), receiver: name, content: context.nonce())
        }
        let user = context.uniqueUser("valid")
        let history = try await session.join(user)
        let sentinel = try await context.flush([session], user: user)
        try context.expectEqual(session.newMessageContents, [sentinel], "new_message contents after invalid joins then a valid one")
        try context.expect(history.raw == .object([]), expected: "all_messages {} for the valid join", actual: JSONSerializer.serialize(history.raw))
    }
}
