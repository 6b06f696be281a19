/// Classifies every sent message on every session (Jepsen style): delivered, lost, duplicated,
/// reordered, leaked, late, indeterminate, plus the exactly-once, ordering and disconnection findings.
///
/// Spec §4 DELIVER-1..4, §5 ONCE-1..4, §6 ORDER-1..4, DISCONNECT-1. For a session bound to user U the
/// messages U received are counted in the *union* of the join's `all_messages` (the first one the
/// session received) and all its `new_message` events; each accepted message to U must occur there
/// exactly once. Rules:
/// - outcome `fail`: must appear nowhere (else `phantom`); outcome `info`: absent is `indeterminate`,
///   never `lost`.
/// - a session closed (`closedAt`) before a message's 201 is not expected to get it; anything arriving
///   after `closedAt` is `afterClose`.
/// - `reordered`: m2 POSTed after m1's 201, same sender and receiver, yet m2 earlier than m1 in the
///   union (history entries first, then `new_message` arrival order) or in a later `all_messages`.
/// - `leaked`: a `new_message` for another receiver, an `all_messages` entry the user neither sent nor
///   received, anything on a session that never joined.
/// The checker is pure: histories in, findings out; no clock is read.
public struct DeliveryChecker: Sendable {
    /// A `new_message` arriving later than this after its 201 is `late` (Spec DELIVER-4: one second);
    /// nil disables the check.
    public var lateBound: Duration?

    public init(lateBound: Duration? = nil) { self.lateBound = lateBound }

    private struct Occurrence {
        var position: Int
        var isHistory: Bool
        var time: Duration
        var operation: OperationID?
    }

    public func check(sent: [SentMessage], sessions: [ObservedSession]) -> DeliveryReport {
        var messages: [String: SentMessage] = [:]
        for message in sent where messages[message.nonce] == nil { messages[message.nonce] = message }
        var findings: [DeliveryFinding] = []
        var liveOrders: [String: [String]] = [:]  // session label → first-occurrence new_message order
        for session in sessions {
            findings += checkSession(session, sent: sent, messages: messages, liveOrder: &liveOrders[session.label, default: []])
        }
        findings += checkCrossSession(sessions: sessions, messages: messages, liveOrders: liveOrders)
        findings += checkHistoryAgreement(sessions: sessions, messages: messages, liveOrders: liveOrders)
        return DeliveryReport(findings: findings)
    }

    // MARK: One session

    private func checkSession(
        _ session: ObservedSession, sent: [SentMessage], messages: [String: SentMessage], liveOrder: inout [String]
    ) -> [DeliveryFinding] {
        var findings: [DeliveryFinding] = []
        func add(_ kind: DeliveryFinding.Kind, _ nonce: String?, _ detail: String, _ witnesses: [OperationID?]) {
            findings.append(DeliveryFinding(kind: kind, session: session.label, nonce: nonce, detail: detail, witnesses: witnesses.compactMap { $0 }))
        }
        let user = session.user
        let firstHistoryIndex = session.observations.firstIndex { if case .allMessages = $0.event { true } else { false } }
        var occurrences: [String: [Occurrence]] = [:]
        // Union order: the join's history entries first, then new_message events in arrival order.
        var historyPosition = 0
        var livePosition = 1 << 40
        var phantomsSeen: Set<String> = []
        var leaksSeen: Set<String> = []

        func screen(_ nonce: String, isHistory: Bool, _ observation: SessionObservation) {
            guard let message = messages[nonce], message.outcome != .fail else {
                if phantomsSeen.insert(nonce).inserted {
                    let why = messages[nonce] == nil ? "never sent" : "its POST was refused"
                    add(.phantom, nonce, "appeared although \(why)", [messages[nonce]?.operation, observation.operation])
                }
                return
            }
            let allowed: Bool
            if let user {
                allowed = isHistory ? message.conversationKey(for: user) != nil : message.receiver == user
            } else {
                allowed = false
            }
            if !allowed {
                if leaksSeen.insert(nonce).inserted {
                    let bound = user.map { "bound to \($0)" } ?? "never joined"
                    add(.leaked, nonce, "message from \(message.sender) to \(message.receiver) reached a session \(bound)", [message.operation, observation.operation])
                }
            }
        }

        for (index, observation) in session.observations.enumerated() {
            if let closedAt = session.closedAt, observation.time > closedAt {
                add(.afterClose, nil, "an event arrived \(observation.time - closedAt) after the session was closed", [observation.operation])
            }
            switch observation.event {
            case .allMessages(let conversations):
                let isJoinHistory = index == firstHistoryIndex
                for key in conversations.keys.sorted() {
                    for nonce in conversations[key] ?? [] {
                        screen(nonce, isHistory: true, observation)
                        if isJoinHistory {
                            occurrences[nonce, default: []].append(Occurrence(position: historyPosition, isHistory: true, time: observation.time, operation: observation.operation))
                            historyPosition += 1
                        }
                    }
                }
                if !isJoinHistory { findings += checkListOrder(conversations, session: session, observation: observation, messages: messages) }
            case .newMessage(let nonce):
                screen(nonce, isHistory: false, observation)
                if session.user != nil, let firstHistoryIndex, index < firstHistoryIndex {
                    add(.precededHistory, nonce, "new_message arrived before the join's all_messages", [session.joinOperation, observation.operation])
                }
                if occurrences[nonce]?.contains(where: { !$0.isHistory }) != true { liveOrder.append(nonce) }
                occurrences[nonce, default: []].append(Occurrence(position: livePosition, isHistory: false, time: observation.time, operation: observation.operation))
                livePosition += 1
            }
        }
        guard let user else { return findings }

        // Delivery of each message to this user.
        let toUser = sent.filter { $0.receiver == user && $0.outcome != .fail }
        for message in toUser {
            let seen = occurrences[message.nonce] ?? []
            let witnesses = [message.operation] + seen.map(\.operation)
            let isRequired: Bool
            switch message.outcome {
            case .ok:
                let accepted = message.acceptedAt ?? message.invokedAt
                isRequired = session.closedAt.map { accepted < $0 } ?? true
            case .info, .fail:
                isRequired = false
            }
            switch seen.count {
            case 0:
                if message.outcome == .info {
                    add(.indeterminate, message.nonce, "its POST had no answer and it never arrived", witnesses)
                } else if isRequired {
                    add(.lost, message.nonce, "accepted but it never arrived", witnesses + [session.joinOperation])
                }
            case 1:
                add(.delivered, message.nonce, seen[0].isHistory ? "in all_messages" : "as new_message", witnesses)
            default:
                let channels = seen.map { $0.isHistory ? "all_messages" : "new_message" }.joined(separator: " + ")
                add(.duplicated, message.nonce, "arrived \(seen.count) times (\(channels))", witnesses)
            }
            if message.outcome == .ok, let acceptedAt = message.acceptedAt, let joinedAt = session.joinedAt, acceptedAt < joinedAt,
               !seen.isEmpty, !seen.contains(where: \.isHistory) {
                add(.missingFromHistory, message.nonce, "201 arrived before join, yet it came as new_message instead of in all_messages", witnesses + [session.joinOperation])
            }
            if let lateBound, let acceptedAt = message.acceptedAt, let live = seen.first(where: { !$0.isHistory }),
               live.time - acceptedAt > lateBound {
                add(.late, message.nonce, "new_message arrived \(live.time - acceptedAt) after its 201 (bound \(lateBound))", witnesses)
            }
        }

        // Per-pair order in the union (ORDER-1, and ORDER-2 for the join's all_messages).
        let firstPosition = occurrences.compactMapValues { $0.first }
        for later in toUser where later.outcome == .ok {
            guard let laterSeen = firstPosition[later.nonce] else { continue }
            let violated = toUser.first { earlier in
                guard earlier.nonce != later.nonce, earlier.sender == later.sender, earlier.outcome == .ok,
                      let earlierAccepted = earlier.acceptedAt, later.invokedAt > earlierAccepted,
                      let earlierSeen = firstPosition[earlier.nonce] else { return false }
                return earlierSeen.position > laterSeen.position
            }
            if let earlier = violated, let earlierSeen = firstPosition[earlier.nonce] {
                add(.reordered, later.nonce, "arrived before \(earlier.nonce), which was POSTed and answered 201 first",
                    [earlier.operation, later.operation, laterSeen.operation, earlierSeen.operation])
            }
        }
        return findings
    }

    /// ORDER-2 in a later `all_messages`: every conversation lists a pair's sequential messages in send order.
    private func checkListOrder(
        _ conversations: [String: [String]], session: ObservedSession, observation: SessionObservation, messages: [String: SentMessage]
    ) -> [DeliveryFinding] {
        var findings: [DeliveryFinding] = []
        for key in conversations.keys.sorted() {
            let listed = (conversations[key] ?? []).compactMap { messages[$0] }.filter { $0.outcome == .ok }
            var positions: [String: Int] = [:]
            for (index, message) in listed.enumerated() where positions[message.nonce] == nil { positions[message.nonce] = index }
            for later in listed {
                guard let laterPosition = positions[later.nonce] else { continue }
                let earlier = listed.first { earlier in
                    guard earlier.nonce != later.nonce, earlier.sender == later.sender, earlier.receiver == later.receiver,
                          let accepted = earlier.acceptedAt, later.invokedAt > accepted,
                          let earlierPosition = positions[earlier.nonce] else { return false }
                    return earlierPosition > laterPosition
                }
                if let earlier {
                    findings.append(DeliveryFinding(
                        kind: .reordered, session: session.label, nonce: later.nonce,
                        detail: "listed before \(earlier.nonce) in a later all_messages, though POSTed after its 201",
                        witnesses: [earlier.operation, later.operation, observation.operation].compactMap { $0 }
                    ))
                }
            }
        }
        return findings
    }

    // MARK: Across sessions

    /// ORDER-3: sessions of one receiver agree on the relative order of the `new_message` events they share.
    private func checkCrossSession(sessions: [ObservedSession], messages: [String: SentMessage], liveOrders: [String: [String]]) -> [DeliveryFinding] {
        var findings: [DeliveryFinding] = []
        let joined = sessions.filter { $0.user != nil }
        for (offset, first) in joined.enumerated() {
            for second in joined.dropFirst(offset + 1) where second.user == first.user && second.label != first.label {
                let user = first.user
                let firstOrder = (liveOrders[first.label] ?? []).filter { messages[$0]?.receiver == user }
                let secondOrder = (liveOrders[second.label] ?? []).filter { messages[$0]?.receiver == user }
                let common = Set(firstOrder).intersection(secondOrder)
                let firstCommon = firstOrder.filter(common.contains)
                let secondCommon = secondOrder.filter(common.contains)
                guard let index = firstCommon.indices.first(where: { firstCommon[$0] != secondCommon[$0] }) else { continue }
                let witnesses = [messages[firstCommon[index]]?.operation, messages[secondCommon[index]]?.operation]
                    + receiveOperations(first, of: firstCommon[index]) + receiveOperations(second, of: secondCommon[index])
                findings.append(DeliveryFinding(
                    kind: .crossSessionOrder, session: first.label, nonce: firstCommon[index],
                    detail: "\(first.label) saw \(firstCommon[index]) where \(second.label) saw \(secondCommon[index])",
                    witnesses: witnesses.compactMap { $0 }
                ))
            }
        }
        return findings
    }

    /// ORDER-4: a session's `new_message` order agrees, per conversation, with every other `all_messages`
    /// received by a session of the same user (not the session's own join history).
    private func checkHistoryAgreement(sessions: [ObservedSession], messages: [String: SentMessage], liveOrders: [String: [String]]) -> [DeliveryFinding] {
        var findings: [DeliveryFinding] = []
        for session in sessions {
            guard let user = session.user else { continue }
            let live = (liveOrders[session.label] ?? []).filter { messages[$0]?.receiver == user }
            guard live.count > 1 else { continue }
            for other in sessions where other.user == user {
                var isJoinHistory = true
                for observation in other.observations {
                    guard case .allMessages(let conversations) = observation.event else { continue }
                    defer { isJoinHistory = false }
                    if other.label == session.label && isJoinHistory { continue }
                    for key in conversations.keys.sorted() {
                        var listed: [String] = []
                        for nonce in conversations[key] ?? [] where !listed.contains(nonce) { listed.append(nonce) }
                        let listedSet = Set(listed)
                        let liveInList = live.filter(listedSet.contains)
                        let liveSet = Set(liveInList)
                        let listInLive = listed.filter(liveSet.contains)
                        guard let index = liveInList.indices.first(where: { liveInList[$0] != listInLive[$0] }) else { continue }
                        findings.append(DeliveryFinding(
                            kind: .historyDisagreement, session: session.label, nonce: liveInList[index],
                            detail: "new_message order has \(liveInList[index]) where a later all_messages on \(other.label) lists \(listInLive[index])",
                            witnesses: (receiveOperations(session, of: liveInList[index]) + [observation.operation]).compactMap { $0 }
                        ))
                    }
                }
            }
        }
        return findings
    }

    private func receiveOperations(_ session: ObservedSession, of nonce: String) -> [OperationID?] {
        session.observations.filter { $0.event == .newMessage(nonce: nonce) }.map(\.operation)
    }
}
