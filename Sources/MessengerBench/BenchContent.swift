import ConformanceKit
/// The names and message contents of one bench run, and the fast scan that attributes a received
/// `new_message` to the message it carries (no I/O).
///
/// A content is `#<sequence>/<token>` padded with `.` to the configured length, so a delivery is
/// attributed by its sequence number and checked to belong to this run by its token.
public struct BenchContent: Sendable, Equatable {
    /// A short run-unique token (lowercase letters and digits).
    public let token: String
    public let contentBytes: Int
    /// How tokens are minted when the server requires authentication (Spec AUTH); nil: none sent.
    public let authentication: KitAuthentication?
    /// `Authorization: Bearer <the sender's token>` and its line break, or nothing (Spec AUTH-7, AUTH-8).
    let senderAuthorizationLine: [UInt8]

    public init(token: String, contentBytes: Int, authentication: KitAuthentication? = nil) {
        self.token = token
        self.contentBytes = max(16, contentBytes)
        self.authentication = authentication
        senderAuthorizationLine = authentication.map { Array("Authorization: Bearer \($0.token(for: "s\(token)"))\r\n".utf8) } ?? []
    }

    /// The Socket.IO CONNECT of user `index`'s sessions: `40`, or `40{"token":"…"}` (Spec AUTH-1).
    public func connectText(user index: Int) -> String {
        guard let authentication else { return "40" }
        return "40{\"token\":\"\(authentication.token(for: userName(index)))\"}"
    }

    /// The name of user `index`.
    public func userName(_ index: Int) -> String { "u\(token)-\(index)" }

    /// The sender of POSTed messages.
    public var senderName: String { "s\(token)" }

    /// The content of message `sequence`.
    public func content(_ sequence: Int) -> String {
        var text = "#\(sequence)/\(token)"
        if text.utf8.count < contentBytes { text += String(repeating: ".", count: contentBytes - text.utf8.count) }
        return text
    }

    /// The JSON body of `POST /messages` for message `sequence` to user `receiver` (names and
    /// content need no escaping: they are ASCII letters, digits, `-`, `#`, `/` and `.`).
    public func postBody(sequence: Int, receiver: Int) -> String {
        "{\"sender\":\"\(senderName)\",\"receiver\":\"\(userName(receiver))\",\"content\":\"\(content(sequence))\"}"
    }

    /// The Socket.IO EVENT text of `send_message` (Spec EXT-1) for message `sequence`.
    public func sendMessageEvent(sequence: Int, receiver: Int, ackID: Int) -> String {
        "42\(ackID)[\"send_message\",{\"receiver\":\"\(userName(receiver))\",\"content\":\"\(content(sequence))\"}]"
    }

    /// The sequence number carried by a `new_message` event's text (`42["new_message",{…}]`), or nil
    /// when the text carries no content of this run.
    public func sequence(inEventText text: String) -> Int? {
        var text = text
        return text.withUTF8 { sequence(inEventBytes: UnsafeRawBufferPointer($0)) }
    }

    /// As `sequence(inEventText:)`, on the event's UTF-8 bytes.
    public func sequence(inEventBytes bytes: UnsafeRawBufferPointer) -> Int? {
        let marker: StaticString = "\"content\":\"#"
        guard let start = Self.find(marker, in: bytes) else { return nil }
        var index = start
        var value = 0
        var digits = 0
        while index < bytes.count, (0x30...0x39).contains(bytes[index]), digits < 18 {
            value = value * 10 + Int(bytes[index] - 0x30)
            digits += 1
            index += 1
        }
        guard digits > 0, index < bytes.count, bytes[index] == 0x2F else { return nil }  // '/'
        index += 1
        for byte in token.utf8 {
            guard index < bytes.count, bytes[index] == byte else { return nil }
            index += 1
        }
        return value
    }

    /// Whether `bytes` starts with `marker`.
    static func hasPrefix(_ marker: StaticString, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = marker.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let needle = marker.utf8Start
        for index in 0..<count where bytes[index] != needle[index] { return false }
        return true
    }

    /// The index just past the first occurrence of `marker` in `bytes`.
    static func find(_ marker: StaticString, in bytes: UnsafeRawBufferPointer) -> Int? {
        let needle = UnsafeRawBufferPointer(start: marker.utf8Start, count: marker.utf8CodeUnitCount)
        guard needle.count > 0, bytes.count >= needle.count, let first = needle.first else { return nil }
        var index = 0
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == first {
                var matched = 1
                while matched < needle.count, bytes[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return index + needle.count }
            }
            index += 1
        }
        return nil
    }
}
