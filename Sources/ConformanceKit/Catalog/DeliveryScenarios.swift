import WireCodecs

/// Spec §4: live delivery, and privacy (nothing reaches another user).
enum DeliveryScenarios {
    static let all: [Scenario] = [fanOut, noLeakToOtherUsers, noDeliveryBeforeJoin, latency]

    static let fanOut = Scenario(
        id: "delivery/fan-out",
        title: "Every session of the receiver, on every transport, gets each message exactly once",
        area: .delivery, requirements: ["DELIVER-1"], transports: [.webSocket, .polling, .pollingUpgrade], prerequisites: ["join/basic"]
    ) { context in
        let receiver = context.uniqueUser("receiver"), sender = context.uniqueUser("sender")
        var sessions: [KitSession] = []
        for transport in [TransportKind.webSocket, .polling, .pollingUpgrade] {
            sessions.append(try await context.joinedSession(context.label(transport.rawValue), user: receiver, transport: transport).0)
        }
        var sent: [PostResult] = []
        for _ in 0..<5 { sent.append(try await context.postAccepted(sender: sender, receiver: receiver, content: context.nonce())) }
        try await context.flush(sessions, user: receiver)
        try context.expectCleanDelivery(sessions: sessions, expected: "each message exactly once on each of the receiver's sessions")
        for session in sessions {
            for event in session.events where event.name == "new_message" {
                guard let message = event.arguments.first, message["content"]?.stringValue?.hasPrefix("sentinel-") == false else { continue }
                try context.expect(message["sender"] == .string(sender) && message["timestamp"]?.stringValue != nil,
                                   expected: "new_message {sender: \(sender), content, timestamp: <string>}",
                                   actual: JSONSerializer.serialize(message), witnesses: [event.operation])
            }
        }
    }

    static let noLeakToOtherUsers = Scenario(
        id: "privacy/other-users",
        title: "No session of the sender or of a third user gets a message (unless sent to oneself)",
        area: .privacy, requirements: ["DELIVER-2"], transports: [.webSocket, .polling], prerequisites: ["join/basic"]
    ) { context in
        let sender = context.uniqueUser("sender"), receiver = context.uniqueUser("receiver"), third = context.uniqueUser("third")
        let (senderSession, _) = try await context.joinedSession(context.label("sender"), user: sender)
        let (receiverSession, _) = try await context.joinedSession(context.label("receiver"), user: receiver, transport: .polling)
        let (thirdSession, _) = try await context.joinedSession(context.label("third"), user: third)
        var sent: [PostResult] = []
        for _ in 0..<3 { sent.append(try await context.postAccepted(sender: sender, receiver: receiver, content: context.nonce())) }
        sent.append(try await context.postAccepted(sender: sender, receiver: sender, content: context.nonce()))  // to self
        try await context.flush([senderSession], user: sender)
        try await context.flush([receiverSession], user: receiver)
        try await context.flush([thirdSession], user: third)
        try context.expectCleanDelivery(sessions: [senderSession, receiverSession, thirdSession],
                                        expected: "messages reach the receiver's sessions only (the sender's too for a message to self)")
    }

    static let noDeliveryBeforeJoin = Scenario(
        id: "privacy/unjoined-session",
        title: "A session that has not joined receives no new_message",
        area: .privacy, requirements: ["DELIVER-3"], transports: [.webSocket, .polling], prerequisites: ["join/basic"]
    ) { context in
        let receiver = context.uniqueUser("receiver")
        let unjoined = try await context.connect(context.label("unjoined"))
        let unjoinedPolling = try await context.connect(context.label("unjoined-polling"), transport: .polling)
        let (joined, _) = try await context.joinedSession(context.label("joined"), user: receiver)
        let message = try await context.postAccepted(sender: context.uniqueUser("sender"), receiver: receiver, content: context.nonce())
        try await context.flush([joined], user: receiver)
        for session in [unjoined, unjoinedPolling] {
            let later = context.uniqueUser("later")
            _ = try await session.join(later)
            try await context.flush([session], user: later)
            let early = session.events.prefix { $0.name != "all_messages" }
            try context.expect(early.isEmpty && !session.newMessageContents.contains(message.sent.nonce),
                               expected: "nothing on \(session.label) before it joined",
                               actual: "\(early.map { "\($0.name) \($0.arguments.map { JSONSerializer.serialize($0) })" })",
                               witnesses: [message.operation])
        }
    }

    static let latency = Scenario(
        id: "delivery/latency",
        title: "new_message arrives within one second of the 201",
        area: .delivery, requirements: ["DELIVER-4"], transports: [.webSocket], prerequisites: ["join/basic"]
    ) { context in
        let receiver = context.uniqueUser("receiver"), sender = context.uniqueUser("sender")
        let (session, _) = try await context.joinedSession(context.label("receiver"), user: receiver)
        var sent: [PostResult] = []
        for _ in 0..<20 { sent.append(try await context.postAccepted(sender: sender, receiver: receiver, content: context.nonce())) }
        try await context.flush([session], user: receiver)
        try context.expectCleanDelivery(sessions: [session], expected: "every new_message within 1 s of its 201",
                                        lateBound: context.timeout(.seconds(1)))
    }
}
