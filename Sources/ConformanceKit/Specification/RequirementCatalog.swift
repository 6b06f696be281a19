// Generated from Spec/SPEC.md; RequirementCatalogTests fails when the two differ and prints this file anew.

/// The requirements of `Spec/SPEC.md`, embedded so `conform` can quote them without the source tree.
public enum RequirementCatalog {
    /// The Spec version these requirements come from.
    public static let specVersion = "1.3"

    public static let all: [Requirement] = [
        Requirement(id: "TRANSPORT-1", level: .must, text: "The server MUST serve Engine.IO v4 at the path `/socket.io/` and Socket.IO v5 on the namespace `/`, so that a client that connects and sends CONNECT receives a CONNECT answer carrying an object with a string `sid`."),
        Requirement(id: "TRANSPORT-2", level: .must, text: "The server MUST accept a session opened directly on the WebSocket transport (`transport=websocket`, no `sid`) and carry Socket.IO packets over it in both directions."),
        Requirement(id: "TRANSPORT-3", level: .must, text: "The server MUST accept a session opened on HTTP long-polling (`transport=polling`) and carry Socket.IO packets over it in both directions."),
        Requirement(id: "TRANSPORT-4", level: .must, text: "The server MUST list `websocket` in the `upgrades` of a polling session's open packet and complete the upgrade (`2probe` answered by `3probe`, then `5`), after which packets flow over the WebSocket and none is lost or repeated across the switch."),
        Requirement(id: "TRANSPORT-5", level: .must, text: "The open packet MUST be a JSON object carrying a string `sid`, an array `upgrades`, and positive integers `pingInterval`, `pingTimeout` and `maxPayload`."),
        Requirement(id: "TRANSPORT-6", level: .must, text: "A polling request body or WebSocket message larger than the advertised `maxPayload` MUST be refused without being processed (HTTP 413 for polling; the connection closed for WebSocket), and other sessions MUST keep being served."),
        Requirement(id: "TRANSPORT-7", level: .must, text: "A request with an `EIO` other than `4`, an unknown `transport`, or an unknown `sid` MUST be answered with HTTP status 400."),
        Requirement(id: "TRANSPORT-8", level: .should, text: "The 400 answer of TRANSPORT-7 SHOULD be the JSON object the Node.js server gives: `{\"code\":5,\"message\":\"Unsupported protocol version\"}`, `{\"code\":0,\"message\":\"Transport unknown\"}` or `{\"code\":1,\"message\":\"Session ID unknown\"}`."),
        Requirement(id: "TRANSPORT-9", level: .must, text: "The server MUST answer a second concurrent polling GET on one session with HTTP 400 and close that session, as the Engine.IO protocol requires."),
        Requirement(id: "HEARTBEAT-1", level: .must, text: "The server MUST send an Engine.IO ping (`2`) on an idle session within the advertised `pingInterval` (with a grace of `pingTimeout`)."),
        Requirement(id: "HEARTBEAT-2", level: .must, text: "The server MUST close a session whose client answers no ping within `pingInterval` + `pingTimeout`."),
        Requirement(id: "HEARTBEAT-3", level: .must, text: "The server MUST keep open a session whose client answers every ping, well past `pingInterval` + `pingTimeout`."),
        Requirement(id: "NAMESPACE-1", level: .must, text: "A CONNECT to a namespace other than `/` MUST be answered with a CONNECT_ERROR packet for that namespace, and the session's namespace `/` MUST keep working."),
        Requirement(id: "CORS-1", level: .must, text: "Responses to `POST /messages` and to Engine.IO polling requests that carry an `Origin` header MUST allow that origin (`Access-Control-Allow-Origin` is `*` or equals the `Origin`)."),
        Requirement(id: "CORS-2", level: .must, text: "An `OPTIONS` preflight to `/messages` MUST be answered with a 2xx status whose `Access-Control-Allow-Methods` admits `POST` and whose `Access-Control-Allow-Headers` admits `Content-Type`."),
        Requirement(id: "SEND-1", level: .must, text: "A `POST /messages` whose body is a JSON object with string `sender`, `receiver` and `content`, the two names non-empty, MUST be answered 201 with a JSON object whose `status` is `\"success\"`."),
        Requirement(id: "SEND-2", level: .must, text: "Names of up to 64 characters and content of up to 65,536 bytes of UTF-8, any Unicode included, MUST be accepted, and every later `new_message` and `all_messages` MUST carry them exactly as sent."),
        Requirement(id: "SEND-3", level: .must, text: "A body that is not valid JSON, not a JSON object, lacks `sender`, `receiver` or `content`, has one of them of a type other than string, or has an empty name MUST be answered 400 with a JSON object carrying a string `error`, and the message MUST NOT be stored or delivered."),
        Requirement(id: "SEND-4", level: .must, text: "A body larger than the server accepts (it MAY refuse names over 64 characters or content over 65,536 bytes) MUST be answered 413 or 400 with a JSON object carrying a string `error`, and the message MUST NOT be stored or delivered."),
        Requirement(id: "SEND-5", level: .must, text: "The server MUST assign each accepted message a `timestamp`, an ISO 8601 date-time string, ignoring any timestamp the client sends, and MUST report the same timestamp wherever the message appears."),
        Requirement(id: "SEND-6", level: .must, text: "A message the server cannot store because of its storage (a full disk, an I/O error, a locked or read-only database) MUST be answered 503 with a `Retry-After` header and a JSON object carrying a string `error` that names no SQL and no file path (for EXT-1, acknowledged with such an `error`), MUST NOT be stored or delivered, and the server MUST accept messages again once the storage recovers, without a restart."),
        Requirement(id: "HTTP-1", level: .must, text: "The server MUST answer 404 to a request for a path other than `/messages`, `/socket.io/` and the paths of HTTP-3, and 405 to a method other than `POST` and `OPTIONS` on `/messages`."),
        Requirement(id: "HTTP-2", level: .must, text: "The server MUST keep an HTTP/1.1 connection open across requests unless told otherwise, answering each of several requests sent one after another on it."),
        Requirement(id: "HTTP-3", level: .may, text: "Besides `/messages` and `/socket.io/`, a server MAY serve only these paths: a page at `/` with its static assets under `/assets/`, a health check at `/healthz` (200 when it accepts messages, 503 with the reason when it does not) and metrics at `/metrics`."),
        Requirement(id: "JOIN-1", level: .must, text: "After a session emits `join` with a non-empty string, the server MUST emit exactly one `all_messages` event to that session."),
        Requirement(id: "JOIN-2", level: .must, text: "The `all_messages` argument MUST be a JSON object whose keys are the other parties' names (the user's own name for messages to self) and whose values are arrays of message objects."),
        Requirement(id: "JOIN-3", level: .must, text: "Each conversation in `all_messages` MUST list every accepted message between the user and that party, sent and received alike, exactly once, in acceptance order."),
        Requirement(id: "JOIN-4", level: .must, text: "`all_messages` MUST be emitted to the joining session only."),
        Requirement(id: "JOIN-5", level: .must, text: "A session that emits `join` twice with the same name MUST receive one `all_messages` per `join` and each later message to that user exactly once."),
        Requirement(id: "JOIN-6", level: .must, text: "A session that joins with another name MUST be rebound: it receives the new user's messages and no longer the previous user's."),
        Requirement(id: "JOIN-7", level: .must, text: "A `join` whose argument is missing, not a string, or empty MUST be answered with an `error` event to that session and MUST bind nothing, and the session MUST stay usable for a later valid `join`."),
        Requirement(id: "DELIVER-1", level: .must, text: "For each accepted message, every session bound to the receiver MUST receive exactly one `new_message` event whose argument is a message object with the message's `sender`, `content` and `timestamp`."),
        Requirement(id: "DELIVER-2", level: .must, text: "No session bound to a user other than the receiver, the sender's included unless the sender is the receiver, MUST receive that message's `new_message`."),
        Requirement(id: "DELIVER-3", level: .must, text: "A session that has not joined MUST NOT receive `new_message` events."),
        Requirement(id: "DELIVER-4", level: .should, text: "The server SHOULD emit `new_message` within one second of answering 201 to the message's POST."),
        Requirement(id: "ONCE-1", level: .must, text: "On a session that joins a user, every message to that user accepted from the join onwards MUST appear exactly once in that join's `all_messages` plus the `new_message` events after it."),
        Requirement(id: "ONCE-2", level: .must, text: "A session MUST receive a join's `all_messages` before any `new_message` that follows that join."),
        Requirement(id: "ONCE-3", level: .must, text: "A message whose 201 the client received before it emitted `join` MUST be in that join's `all_messages`."),
        Requirement(id: "ONCE-4", level: .must, text: "A message POSTed after the session received `all_messages` MUST arrive on that session as `new_message`."),
        Requirement(id: "ORDER-1", level: .must, text: "Messages from one sender to one receiver, each POSTed after the previous one's 201, MUST arrive as `new_message` in that order on every session of the receiver."),
        Requirement(id: "ORDER-2", level: .must, text: "Such messages MUST be listed in that order in a later `all_messages`."),
        Requirement(id: "ORDER-3", level: .must, text: "All sessions bound to one receiver MUST see that receiver's `new_message` events in the same order, whatever their senders."),
        Requirement(id: "ORDER-4", level: .must, text: "The order in which a session saw `new_message` events MUST agree with the order of the same messages in a later `all_messages`."),
        Requirement(id: "DURABLE-1", level: .must, text: "A message answered 201 MUST survive an orderly restart of the server: it appears in `all_messages` afterwards, exactly once."),
        Requirement(id: "DURABLE-2", level: .should, text: "A message answered 201 SHOULD survive a crash of the server process (`kill -9`): the commit reaches stable storage before the 201 is sent."),
        Requirement(id: "DURABLE-3", level: .should, text: "A message delivered as `new_message` SHOULD survive a crash of the server process, that is, the server delivers only what it has committed."),
        Requirement(id: "DURABLE-4", level: .must, text: "Messages to a user with no open session MUST be stored and appear in `all_messages` when that user next joins."),
        Requirement(id: "DISCONNECT-1", level: .must, text: "Once the server has received a client's Socket.IO DISCONNECT, it MUST emit no more events to that session."),
        Requirement(id: "DISCONNECT-2", level: .must, text: "After a session's transport closes, the user's other sessions MUST keep receiving `new_message` events."),
        Requirement(id: "DISCONNECT-3", level: .must, text: "A session closed for missed heartbeats MUST receive nothing more, and the user's other sessions MUST keep receiving."),
        Requirement(id: "ROBUST-1", level: .must, text: "An event with an unknown name MUST be ignored: the session stays open and keeps receiving."),
        Requirement(id: "ROBUST-2", level: .must, text: "A malformed Engine.IO packet MUST close at most the session that sent it."),
        Requirement(id: "ROBUST-3", level: .must, text: "A malformed Socket.IO packet MUST close at most the session that sent it."),
        Requirement(id: "ROBUST-4", level: .must, text: "A malformed HTTP request MUST be answered with a 4xx status or a closed connection, affecting only that connection."),
        Requirement(id: "ROBUST-5", level: .must, text: "An invalid WebSocket frame (unmasked client frame, reserved opcode, reserved bit set, oversized control frame) MUST close that WebSocket connection, affecting only that connection."),
        Requirement(id: "ROBUST-6", level: .must, text: "A client that stops reading MUST NOT stop the server from serving other sessions."),
        Requirement(id: "EXT-1", level: .may, text: "A server MAY implement the `send_message` event."),
        Requirement(id: "EXT-2", level: .must, condition: "EXT-1", text: "A `send_message` from a joined session MUST be accepted as a message from the session's user and acknowledged with an object whose `status` is `\"success\"`, and the message MUST be delivered and stored like a POSTed one."),
        Requirement(id: "EXT-3", level: .must, condition: "EXT-1", text: "A `send_message` from a session that has not joined, or with an invalid argument, MUST be acknowledged with an object carrying a string `error`, and nothing MUST be stored or delivered."),
    ]

    /// The requirement with this ID, or nil.
    public static func requirement(_ id: String) -> Requirement? { byID[id] }

    private static let byID: [String: Requirement] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
}
