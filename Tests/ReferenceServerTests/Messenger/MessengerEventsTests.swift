import MessageStore
import Testing
import WireCodecs
@testable import ReferenceServer

@Suite struct MessengerEventsTests {
    func message(_ id: Int64, _ sender: String, _ receiver: String, _ content: String) -> StoredMessage {
        StoredMessage(id: id, sender: sender, receiver: receiver, content: content, timestamp: "2026-11-22T12:00:0\(id).000Z")
    }

    @Test func newMessageIsASocketIOEventWithTheMessageObject() throws {
        let text = MessengerEvents.newMessage(message(2, "bob", "alice", "yo \"there\"\n😀"))
        let packet = try SocketIOPacket.decode(text)
        #expect(packet.type == .event)
        #expect(packet.data == .array([.string("new_message"), .object([
            JSONMember("sender", .string("bob")), JSONMember("content", .string("yo \"there\"\n😀")),
            JSONMember("timestamp", .string("2026-11-22T12:00:02.000Z")), JSONMember("id", .number(2)),
        ])]))
    }

    @Test func allMessagesGroupsByOtherPartyKeepingOrder() throws {
        let messages = [message(1, "alice", "bob", "hi"), message(2, "bob", "alice", "yo"), message(3, "alice", "alice", "note")]
        let packet = try SocketIOPacket.decode(MessengerEvents.allMessages(for: "alice", messages: messages))
        guard case .array(let arguments)? = packet.data, arguments.count == 2, case .object(let members) = arguments[1] else {
            Issue.record("not an all_messages event: \(String(describing: packet.data))")
            return
        }
        #expect(arguments[0] == .string("all_messages"))
        #expect(members.map(\.key) == ["bob", "alice"])
        #expect(members[0].value.arrayValue?.compactMap { $0["content"]?.stringValue } == ["hi", "yo"])
        #expect(members[1].value.arrayValue?.compactMap { $0["content"]?.stringValue } == ["note"])
    }

    @Test func allMessagesForAUserWithoutMessagesIsAnEmptyObject() {
        #expect(MessengerEvents.allMessages(for: "carol", messages: []) == #"2["all_messages",{}]"#)
    }

    @Test func bodiesAreJSONObjects() throws {
        let success = try JSONParser.parse(MessengerEvents.successBody(message(7, "a", "b", "c")))
        #expect(success["status"] == .string("success"))
        #expect(success["id"] == .number(7))
        #expect(try JSONParser.parse(MessengerEvents.errorBody("missing field: \"x\"")) == .object([JSONMember("error", .string("missing field: \"x\""))]))
    }
}
