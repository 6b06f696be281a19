import MessageStore
import WireCodecs

/// Builds the Socket.IO packets the messenger emits, directly as text (no intermediate JSON tree),
/// since `new_message` is the server's hottest path. Spec sections 3 and 4.
public enum MessengerEvents {
    /// `2["new_message",{"sender":…,"content":…,"timestamp":…,"id":…}]` (Spec DELIVER-1).
    public static func newMessage(_ message: StoredMessage) -> String {
        var bytes: [UInt8] = []
        // The fixed text (about 70 bytes), a 24-byte timestamp, up to 20 digits, and the two strings
        // (escapes may still grow it): one allocation for the usual message.
        bytes.reserveCapacity(128 + message.sender.utf8.count + message.content.utf8.count)
        bytes.append(contentsOf: #"2["new_message","#.utf8)
        appendMessageObject(message, to: &bytes)
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `2["all_messages",{"<other party>":[message objects…],…}]` for `user` (Spec JOIN-2, JOIN-3):
    /// conversations keyed by the other party (the user for messages to self), in order of each
    /// conversation's first message; messages in the order given (id order).
    public static func allMessages(for user: String, messages: [StoredMessage]) -> String {
        var order: [String] = []
        var conversations: [String: [Int]] = [:]
        for (index, message) in messages.enumerated() {
            let party = message.sender == user ? message.receiver : message.sender
            if conversations[party] == nil { order.append(party) }
            conversations[party, default: []].append(index)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32 + messages.count * 96)
        bytes.append(contentsOf: #"2["all_messages",{"#.utf8)
        for (partyIndex, party) in order.enumerated() {
            if partyIndex > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONSerializer.appendString(party, to: &bytes)
            bytes.append(contentsOf: ":[".utf8)
            for (position, index) in conversations[party, default: []].enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                appendMessageObject(messages[index], to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        bytes.append(contentsOf: "}]".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `2["error",{"message":…}]` (Spec JOIN-7).
    public static func error(_ message: String) -> String {
        var bytes = Array(#"2["error",{"message":"#.utf8)
        JSONSerializer.appendString(message, to: &bytes)
        bytes.append(contentsOf: "}]".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The JSON object a successful POST or `send_message` answers (Spec SEND-1, EXT-2).
    public static func successBody(_ message: StoredMessage) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + message.timestamp.utf8.count)  // one allocation, not three
        bytes.append(contentsOf: #"{"status":"success","id":"#.utf8)
        JSONSerializer.appendInteger(message.id, to: &bytes)
        bytes.append(contentsOf: #","timestamp":"#.utf8)
        JSONSerializer.appendString(message.timestamp, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// `{"error":"<reason>"}` (Spec SEND-3, SEND-4, EXT-3).
    public static func errorBody(_ reason: String) -> [UInt8] {
        var bytes = Array(#"{"error":"#.utf8)
        JSONSerializer.appendString(reason, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    static func appendMessageObject(_ message: StoredMessage, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: #"{"sender":"#.utf8)
        JSONSerializer.appendString(message.sender, to: &bytes)
        bytes.append(contentsOf: #","content":"#.utf8)
        JSONSerializer.appendString(message.content, to: &bytes)
        bytes.append(contentsOf: #","timestamp":"#.utf8)
        JSONSerializer.appendString(message.timestamp, to: &bytes)
        bytes.append(contentsOf: #","id":"#.utf8)
        JSONSerializer.appendInteger(message.id, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
    }
}
