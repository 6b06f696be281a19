import MessageStore
import WireCodecs

/// Validates a `POST /messages` body or a `send_message` argument (Spec SEND-1 to SEND-4, EXT-2, EXT-3).
public struct MessagePostValidator: Sendable {
    /// Why a message was refused, with the HTTP status to answer.
    public struct Refusal: Error, Sendable, Equatable {
        public var status: Int
        public var reason: String

        public init(status: Int, reason: String) {
            self.status = status
            self.reason = reason
        }
    }

    /// Longest accepted sender or receiver name, in characters (Spec SEND-2 requires at least 64).
    public var maxNameLength: Int
    /// Longest accepted content, in bytes of UTF-8 (Spec SEND-2 requires at least 65,536).
    public var maxContentBytes: Int
    public var jsonMaxDepth: Int

    public init(maxNameLength: Int = 64, maxContentBytes: Int = 65_536, jsonMaxDepth: Int = 32) {
        self.maxNameLength = maxNameLength
        self.maxContentBytes = maxContentBytes
        self.jsonMaxDepth = jsonMaxDepth
    }

    /// Validates a POST body: a JSON object with string `sender`, `receiver`, `content`.
    public func validatePostBody(_ body: [UInt8]) -> Result<NewMessage, Refusal> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body, maxDepth: jsonMaxDepth)
        } catch {
            return .failure(Refusal(status: 400, reason: "invalid JSON: \(error)"))
        }
        guard case .object = value else { return .failure(Refusal(status: 400, reason: "body must be a JSON object")) }
        let sender: String
        switch requireString(value, "sender") {
        case .success(let name): sender = name
        case .failure(let refusal): return .failure(refusal)
        }
        return validate(sender: sender, fields: value)
    }

    /// Validates a `send_message` argument `{receiver, content}` for a session joined as `sender`.
    public func validateSendMessage(sender: String, argument: JSONValue?) -> Result<NewMessage, Refusal> {
        guard let argument, case .object = argument else {
            return .failure(Refusal(status: 400, reason: "send_message needs an object {receiver, content}"))
        }
        return validate(sender: sender, fields: argument)
    }

    private func validate(sender: String, fields: JSONValue) -> Result<NewMessage, Refusal> {
        let receiver: String
        let content: String
        switch requireString(fields, "receiver") {
        case .success(let name): receiver = name
        case .failure(let refusal): return .failure(refusal)
        }
        switch requireString(fields, "content") {
        case .success(let text): content = text
        case .failure(let refusal): return .failure(refusal)
        }
        if sender.isEmpty { return .failure(Refusal(status: 400, reason: "sender must not be empty")) }
        if receiver.isEmpty { return .failure(Refusal(status: 400, reason: "receiver must not be empty")) }
        if sender.count > maxNameLength || receiver.count > maxNameLength {
            return .failure(Refusal(status: 413, reason: "names are limited to \(maxNameLength) characters"))
        }
        if content.utf8.count > maxContentBytes {
            return .failure(Refusal(status: 413, reason: "content is limited to \(maxContentBytes) bytes"))
        }
        return .success(NewMessage(sender: sender, receiver: receiver, content: content))
    }

    private func requireString(_ object: JSONValue, _ key: String) -> Result<String, Refusal> {
        guard let member = object[key] else { return .failure(Refusal(status: 400, reason: "missing field: \(key)")) }
        guard case .string(let text) = member else {
            return .failure(Refusal(status: 400, reason: "field \(key) must be a string"))
        }
        return .success(text)
    }
}
