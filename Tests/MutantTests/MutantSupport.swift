import Foundation
import MessageStore
import ReferenceServer
import Synchronization
import WireCodecs

/// A lock-guarded value a mutant's hooks share across calls (hooks run on the server loop, the
/// store's queues and the test's threads).
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func with<Result>(_ body: (inout Value) -> Result) -> Result { value.withLock { body(&$0) } }
}

/// Helpers to read and rewrite what goes over the wire.
enum Wire {
    /// The Socket.IO packet in an Engine.IO message, if it decodes.
    static func socketIO(_ packet: EngineIOPacket) -> SocketIOPacket? {
        guard case .message(let text) = packet else { return nil }
        return try? SocketIOPacket.decode(text, limits: .standard)
    }

    /// The event name and arguments of a Socket.IO EVENT.
    static func event(_ packet: SocketIOPacket) -> (name: String, arguments: [JSONValue])? {
        guard packet.type == .event, case .array(let items)? = packet.data, case .string(let name)? = items.first else { return nil }
        return (name, Array(items.dropFirst()))
    }

    /// A JSON response with this status and body.
    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        var head = HTTPResponseHead(status: status)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Access-Control-Allow-Origin", value: "*")
        return HTTPResponse(head: head, body: Array(JSONSerializer.serialize(value).utf8))
    }

    /// A response with a non-JSON body.
    static func text(_ status: Int, _ body: String, type: String = "text/html") -> HTTPResponse {
        var head = HTTPResponseHead(status: status)
        head.headers.add(name: "Content-Type", value: type)
        head.headers.add(name: "Access-Control-Allow-Origin", value: "*")
        return HTTPResponse(head: head, body: Array(body.utf8))
    }

    /// The query parameters of a request target.
    static func query(_ target: String) -> [String: String] {
        guard let mark = target.firstIndex(of: "?") else { return [:] }
        var result: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }

    static func path(_ target: String) -> String { String(target.prefix { $0 != "?" }) }
}

extension JSONValue {
    /// The object with `key` set to `value` (added when absent).
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index] = JSONMember(key, value)
        } else {
            members.append(JSONMember(key, value))
        }
        return .object(members)
    }
}
