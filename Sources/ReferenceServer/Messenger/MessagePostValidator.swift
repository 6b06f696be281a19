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
    ///
    /// Hot path: a flat object of plain strings (the usual body) is read by `JSONFlatObjectScanner`
    /// without a `JSONValue` tree; anything else goes through `JSONParser`. Both give the same
    /// verdict, refusal reasons included (tested on every vector and on generated bodies).
    public func validatePostBody(_ body: [UInt8]) -> Result<NewMessage, Refusal> {
        guard jsonMaxDepth >= 1, let members = JSONFlatObjectScanner.members(body) else {
            return validatePostBodyWithParser(body)
        }
        // As `JSONValue`'s subscript: the last member of that name. Every member is a string.
        let field = { (key: String) -> Result<String, Refusal> in
            guard let value = members.last(where: { $0.key == key })?.value else { return .failure(Self.missingField(key)) }
            return .success(value)
        }
        switch field("sender") {
        case .success(let sender): return validate(sender: sender, field: field)
        case .failure(let refusal): return .failure(refusal)
        }
    }

    /// `validatePostBody` through the full `JSONParser` tree (the path for anything unusual).
    func validatePostBodyWithParser(_ body: [UInt8]) -> Result<NewMessage, Refusal> {
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
        validate(sender: sender) { requireString(fields, $0) }
    }

    private func validate(sender: String, field: (String) -> Result<String, Refusal>) -> Result<NewMessage, Refusal> {
        let receiver: String
        let content: String
        switch field("receiver") {
        case .success(let name): receiver = name
        case .failure(let refusal): return .failure(refusal)
        }
        switch field("content") {
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
        guard let member = object[key] else { return .failure(Self.missingField(key)) }
        guard case .string(let text) = member else {
            return .failure(Refusal(status: 400, reason: "field \(key) must be a string"))
        }
        return .success(text)
    }

    private static func missingField(_ key: String) -> Refusal {
        Refusal(status: 400, reason: "missing field: \(key)")
    }
}
