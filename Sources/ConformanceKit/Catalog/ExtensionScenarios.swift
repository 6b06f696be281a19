import WireCodecs

/// Spec §10: the optional `send_message` extension, and Spec ROBUST-1 (unknown events).
enum ExtensionScenarios {
    static let all: [Scenario] = [sendMessage, sendMessageRefusals, unknownEvents]

    static let sendMessage = Scenario(
        id: "extension/send-message",
        title: "send_message from a joined session is acknowledged, delivered and stored like a POST",
        area: .extension, requirements: ["EXT-1", "EXT-2"], transports: [.webSocket], prerequisites: ["join/basic"]
    ) { context in
        let sender = context.uniqueUser("sender"), receiver = context.uniqueUser("receiver")
        let (senderSession, _) = try await context.joinedSession(context.label("sender"), user: sender)
        let (receiverSession, _) = try await context.joinedSession(context.label("receiver"), user: receiver)
        let content = context.nonce()
        let argument = JSONValue.object([JSONMember("receiver", .string(receiver)), JSONMember("content", .string(content))])
        guard let ack = try await senderSession.emitWithAck("send_message", [argument], timeout: context.eventTimeout) else {
            try context.unsupported("send_message was not acknowledged within \(context.eventTimeout)")
        }
        try context.expect(ack.first?["status"] == .string("success"), expected: #"an ack with {"status": "success", …}"#,
                           actual: "\(ack.map { JSONSerializer.serialize($0) })")
        let event = await receiverSession.waitForEvent(timeout: context.eventTimeout) { $0.arguments.first?["content"] == .string(content) }
        try context.expect(event?.name == "new_message" && event?.arguments.first?["sender"] == .string(sender),
                           expected: "new_message from \(sender) on the receiver's session", actual: event.map { "\($0.name) \($0.arguments.map { JSONSerializer.serialize($0) })" } ?? "nothing")
        let (_, history) = try await context.joinedSession(context.label("rejoin"), user: receiver)
        try context.expectEqual(history.contents(with: sender) ?? [], [content], "stored messages from the send_message")
    }

    static let sendMessageRefusals = Scenario(
        id: "extension/send-message-refusals",
        title: "send_message before join or with a bad argument is refused in the ack, nothing stored",
        area: .extension, requirements: ["EXT-3"], transports: [.webSocket], prerequisites: ["extension/send-message"]
    ) { context in
        let receiver = context.uniqueUser("receiver")
        let (receiverSession, _) = try await context.joinedSession(context.label("receiver"), user: receiver)
        let unjoined = try await context.connect(context.label("unjoined"))
        let valid = JSONValue.object([JSONMember("receiver", .string(receiver)), JSONMember("content", .string(context.nonce()))])
        let ackUnjoined = try await unjoined.emitWithAck("send_message", [valid], timeout: context.eventTimeout)
        try context.expect(ackUnjoined?.first?["error"]?.stringValue != nil, expected: #"an ack with {"error": <string>} before join"#,
                           actual: ackUnjoined.map { "\($0.map { JSONSerializer.serialize($0) })" } ?? "no ack")
        let (joined, _) = try await context.joinedSession(context.label("sender"), user: context.uniqueUser("sender"))
        let badArguments: [JSONValue] = [
            .object([JSONMember("receiver", .number(5)), JSONMember("content", .string("x"))]),
            .object([JSONMember("receiver", .string(receiver))]),
            .object([JSONMember("receiver", .string("")), JSONMember("content", .string("x"))]),
            .string("hello"),
        ]
        for argument in badArguments {
            let ack = try await joined.emitWithAck("send_message", [argument], timeout: context.eventTimeout)
            try context.expect(ack?.first?["error"]?.stringValue != nil, expected: #"an ack with {"error": <string>} for \#(JSONSerializer.serialize(argument))"#,
                               actual: ack.map { "\($0.map { JSONSerializer.serialize($0) })" } ?? "no ack")
        }
        let sentinel = try await context.flush([receiverSession], user: receiver)
        try context.expectEqual(receiverSession.newMessageContents, [sentinel], "messages delivered to the receiver (refused sends must not be)")
    }

    static let unknownEvents = Scenario(
        id: "robustness/unknown-events",
        title: "Events with unknown names are ignored and the session keeps receiving",
        area: .robustness, requirements: ["ROBUST-1"], transports: [.webSocket, .polling], prerequisites: ["join/basic"]
    ) { context in
        for transport in [TransportKind.webSocket, .polling] {
            let user = context.uniqueUser("user")
            let (session, _) = try await context.joinedSession(context.label(transport.rawValue), user: user, transport: transport)
            try await session.emit("no_such_event", [.string("x")])
            try await session.emit("message", [.object([JSONMember("text", .string("hi"))])])
            _ = try await session.emitWithAck("another_unknown_event", [.number(1)], timeout: .milliseconds(1))
            try await session.emit("join_room", [])
            let sentinel = try await context.flush([session], user: user)
            try context.expect(!session.isClosed && session.newMessageContents == [sentinel],
                               expected: "the session stays open and receives the sentinel", actual: "closed: \(session.isClosed), received \(session.newMessageContents)")
        }
    }
}
