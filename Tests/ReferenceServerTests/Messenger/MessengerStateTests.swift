import MessageStore
import Testing
import WireCodecs
@testable import ReferenceServer

@Suite struct MessengerStateTests {
    let alice1 = SessionID(1), alice2 = SessionID(2), bob = SessionID(3)

    func message(_ id: Int64, from sender: String = "bob", to receiver: String = "alice") -> StoredMessage {
        StoredMessage(id: id, sender: sender, receiver: receiver, content: "m\(id)", timestamp: "2026-11-22T12:00:00.000Z")
    }

    /// Opens the sessions and completes a join for each with an empty history.
    func joined(_ pairs: [(SessionID, String)]) -> MessengerState {
        var state = MessengerState()
        for (session, user) in pairs {
            state.sessionOpened(session)
            let actions = state.join(session, arguments: [.string(user)])
            guard case .loadHistory(_, _, let token) = actions.first else { Issue.record("no load"); continue }
            _ = state.historyLoaded(session: session, token: token, messages: [])
        }
        return state
    }

    @Test func joinLoadsHistoryThenEmitsAllMessagesOnce() {
        var state = MessengerState()
        state.sessionOpened(alice1)
        let actions = state.join(alice1, arguments: [.string("alice")])
        #expect(actions == [.loadHistory(alice1, user: "alice", token: 1)])
        #expect(!state.isBound(alice1))
        let history = [message(1), message(2, from: "alice", to: "bob")]
        #expect(state.historyLoaded(session: alice1, token: 1, messages: history) == [.emitAllMessages(alice1, user: "alice", messages: history)])
        #expect(state.isBound(alice1))
        #expect(state.historyLoaded(session: alice1, token: 1, messages: history) == [], "a stale load emits nothing")
    }

    @Test func aFailedHistoryReadUnbindsWithAnErrorAndALaterJoinWorks() {
        var state = joined([(bob, "bob")])
        state.sessionOpened(alice1)
        guard case .loadHistory(_, _, let token)? = state.join(alice1, arguments: [.string("alice")]).first else {
            Issue.record("no load")
            return
        }
        #expect(state.messagesCommitted([message(5)]) == [], "buffered while joining")
        #expect(state.historyFailed(session: alice1, token: token) == [.emitError(alice1, message: "could not load the history; join again")])
        #expect(state.user(of: alice1) == nil)
        #expect(!state.isBound(alice1))
        #expect(state.sessions(of: "alice") == [])
        #expect(state.messagesCommitted([message(6)]) == [], "an unbound session receives nothing")
        #expect(state.historyLoaded(session: alice1, token: token, messages: []) == [], "the failed load is over")
        #expect(state.historyFailed(session: alice1, token: token) == [], "and reported once")
        guard case .loadHistory(_, _, let again)? = state.join(alice1, arguments: [.string("alice")]).first else {
            Issue.record("no second load")
            return
        }
        #expect(state.historyLoaded(session: alice1, token: again, messages: [message(5), message(6)])
            == [.emitAllMessages(alice1, user: "alice", messages: [message(5), message(6)])])
        #expect(state.messagesCommitted([message(7)]) == [.emitNewMessage(message(7), to: [alice1])])
    }

    @Test(arguments: [[JSONValue](), [.string("")], [.number(42)], [.null], [.object([])], [.array([.string("alice")])]])
    func invalidJoinEmitsErrorAndBindsNothing(arguments: [JSONValue]) {
        var state = joined([(bob, "bob")])
        state.sessionOpened(alice1)
        let actions = state.join(alice1, arguments: arguments)
        guard case .emitError(alice1, _)? = actions.first, actions.count == 1 else {
            Issue.record("expected one error action, got \(actions)")
            return
        }
        #expect(state.user(of: alice1) == nil)
        #expect(state.messagesCommitted([message(1, from: "bob", to: "")]) == [])
        #expect(state.join(alice1, arguments: [.string("alice")]).count == 1, "the session stays usable")
    }

    @Test func committedMessageReachesEverySessionOfTheReceiverOnly() {
        var state = joined([(alice1, "alice"), (alice2, "alice"), (bob, "bob")])
        #expect(state.messagesCommitted([message(1)]) == [.emitNewMessage(message(1), to: [alice1, alice2])])
        #expect(state.messagesCommitted([message(2, from: "alice", to: "bob")]) == [.emitNewMessage(message(2, from: "alice", to: "bob"), to: [bob])])
        #expect(state.messagesCommitted([message(3, from: "bob", to: "carol")]) == [])
    }

    @Test func messagesCommittedDuringJoinAreSentOnceAfterAllMessages() {
        var state = MessengerState()
        state.sessionOpened(alice1)
        _ = state.join(alice1, arguments: [.string("alice")])
        // 1 and 2 were committed before the history read (2's completion arrives late); 3 after it.
        #expect(state.messagesCommitted([message(2), message(3)]) == [])
        let actions = state.historyLoaded(session: alice1, token: 1, messages: [message(1), message(2)])
        #expect(actions == [
            .emitAllMessages(alice1, user: "alice", messages: [message(1), message(2)]),
            .emitNewMessage(message(3), to: [alice1]),
        ])
        #expect(state.messagesCommitted([message(3)]) == [], "never twice")
        #expect(state.messagesCommitted([message(4)]) == [.emitNewMessage(message(4), to: [alice1])])
    }

    @Test func doubleJoinWithTheSameNameYieldsOneAllMessagesPerJoinAndEachLaterMessageOnce() {
        var state = joined([(alice1, "alice")])
        let actions = state.join(alice1, arguments: [.string("alice")])
        #expect(actions == [.loadHistory(alice1, user: "alice", token: 2)])
        _ = state.historyLoaded(session: alice1, token: 2, messages: [])
        #expect(state.messagesCommitted([message(1)]) == [.emitNewMessage(message(1), to: [alice1])])
    }

    @Test func joiningAnotherNameRebindsTheSession() {
        var state = joined([(alice1, "alice")])
        _ = state.join(alice1, arguments: [.string("carol")])
        _ = state.historyLoaded(session: alice1, token: 2, messages: [])
        #expect(state.messagesCommitted([message(1)]) == [])
        #expect(state.messagesCommitted([message(2, to: "carol")]) == [.emitNewMessage(message(2, to: "carol"), to: [alice1])])
    }

    @Test func closedSessionReceivesNothingAndOthersKeepReceiving() {
        var state = joined([(alice1, "alice"), (alice2, "alice")])
        state.sessionClosed(alice1)
        #expect(state.messagesCommitted([message(1)]) == [.emitNewMessage(message(1), to: [alice2])])
        state.sessionClosed(alice2)
        #expect(state.messagesCommitted([message(2)]) == [])
        #expect(state.sessionCount == 0)
    }

    @Test func unjoinedSessionReceivesNothing() {
        var state = MessengerState()
        state.sessionOpened(alice1)
        #expect(state.messagesCommitted([message(1)]) == [])
    }
}
