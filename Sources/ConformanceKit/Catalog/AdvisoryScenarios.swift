import WireCodecs

/// Robustness against the published advisories of socket.io, engine.io and ws that apply to this
/// protocol (Spec §9): each scenario sends the input class of its advisories (the IDs are in its
/// title), then checks that a bystander session is still served and that a new session works.
/// `conform --filter robustness` tells a server author which advisories their stack still has.
public enum AdvisoryScenarios {
    public static let all: [Scenario] = [socketIOParser, webSocketReservedBits, headerFloods, chunkSizes, abortedRequests]

    /// Sends each text on a fresh WebSocket session and lets it close or not.
    static func sendOnFreshSessions(_ context: ScenarioContext, _ texts: [String]) async throws {
        for text in texts {
            let session = try await context.connect(context.label("attacker"))
            try await session.sendEngineIO(text: text)
        }
    }

    /// socket.io-parser: attachment counts and `_placeholder` objects out of range, event names that
    /// are not strings, numbers out of range, lone surrogates, deep nesting.
    static let socketIOParser = Scenario(
        id: "robustness/advisory-socketio-parser",
        title: "Crafted Socket.IO packets harm no other session (CVE-2020-36049, CVE-2022-2421, CVE-2023-32695, CVE-2024-38355)",
        area: .robustness, requirements: ["ROBUST-3"], transports: [.webSocket], prerequisites: ["transport/websocket-only"]
    ) { context in
        let (bystander, user) = try await context.bystander()
        try await sendOnFreshSessions(context, [
            "451000000000-[\"join\",\"a\"]",  // CVE-2020-36049: an attachment count that allocates without bound
            "450-[\"join\",{\"_placeholder\":true,\"num\":0}]",  // a binary event with zero attachments
            "42[\"join\",{\"_placeholder\":true,\"num\":0}]",  // CVE-2022-2421: a placeholder in a plain event
            "451-[\"join\",{\"_placeholder\":true,\"num\":7}]",  // a placeholder past the attachments
            "451-[\"join\",{\"_placeholder\":true,\"num\":\"__proto__\"}]",  // a placeholder index that is not a number
            "42[{\"toString\":\"join\"}]", "42[null]", "42[[\"join\"]]",  // CVE-2023-32695: event names that are not strings
            "42[\"join\",1e999]", "42[\"join\",-1e400,123456789012345678901234567890]",  // numbers out of range
            "42[\"join\",\"\\ud800\"]", "42[\"join\",\"\\udfff\\ud800\"]",  // lone surrogates
            "42" + String(repeating: "[", count: 100_000),  // deep nesting
        ])
        try await context.expectDelivery(to: bystander, user: user, after: "crafted Socket.IO packets from other sessions", requirement: "ROBUST-3")
        try await context.probeLiveness(after: "crafted Socket.IO packets", requirement: "ROBUST-3")
    }

    /// engine.io / ws: RSV2 and RSV3 set, a close frame with a 1-byte body, a continuation frame
    /// without a start, an oversized close frame.
    static let webSocketReservedBits = Scenario(
        id: "robustness/advisory-websocket-frames",
        title: "Frames with RSV2/RSV3 or malformed control frames close only their connection (CVE-2022-21676)",
        area: .robustness, requirements: ["ROBUST-5"], transports: [.webSocket], prerequisites: ["transport/websocket-only"]
    ) { context in
        let (bystander, user) = try await context.bystander()
        let join = Array("42[\"join\",\"\(context.uniqueUser("frame"))\"]".utf8)
        let cases: [(String, [UInt8])] = [
            ("RSV2 set (CVE-2022-21676)", RobustnessScenarios.frame(first: 0xA1, payload: join, isMasked: true)),
            ("RSV3 set (CVE-2022-21676)", RobustnessScenarios.frame(first: 0x91, payload: join, isMasked: true)),
            ("a close frame with a 1-byte body", RobustnessScenarios.frame(first: 0x88, payload: [0x03], isMasked: true)),
            ("a continuation frame with nothing to continue", RobustnessScenarios.frame(first: 0x80, payload: join, isMasked: true)),
            ("a 126-byte close frame", RobustnessScenarios.frame(first: 0x88, payload: [0x03, 0xE8] + Array(repeating: 0x61, count: 124), isMasked: true)),
        ]
        for (what, bytes) in cases {
            let session = try await context.connect(context.label("attacker"))
            try await session.sendWebSocketFrame(bytes)
            let limit = context.timeout(.seconds(5))
            let isClosed = await session.waitUntilClosed(timeout: limit)
            try context.expect(isClosed, expected: "the WebSocket closed after \(what)", actual: "still open after \(KitFormat.duration(limit))")
        }
        try await context.expectDelivery(to: bystander, user: user, after: "malformed WebSocket frames", requirement: "ROBUST-5")
        try await context.probeLiveness(after: "malformed WebSocket frames", requirement: "ROBUST-5")
    }

    /// ws: thousands of header fields (CVE-2024-37890) and a `Sec-WebSocket-Protocol` of 60,000
    /// spaces (CVE-2021-32640, a ReDoS); each is answered (4xx, 101 or closed) within 5 s.
    static let headerFloods = Scenario(
        id: "robustness/advisory-header-floods",
        title: "Header floods are answered quickly and harm no one else (CVE-2024-37890, CVE-2021-32640)",
        area: .robustness, requirements: ["ROBUST-4"], transports: [.http]
    ) { context in
        let (bystander, user) = try await context.bystander()
        let upgrade = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: kit\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        let manyHeaders = (0..<3_000).map { "X-Flood-\($0): \($0)\r\n" }.joined()
        let requests: [(String, String)] = [
            ("3,000 header fields on an upgrade (CVE-2024-37890)", upgrade + manyHeaders + "\r\n"),
            ("a Sec-WebSocket-Protocol of 60,000 spaces (CVE-2021-32640)", upgrade + "Sec-WebSocket-Protocol: " + String(repeating: " ", count: 60_000) + "x\r\n\r\n"),
            ("3,000 header fields on a POST", "POST /messages HTTP/1.1\r\nHost: kit\r\n" + manyHeaders + "Content-Length: 2\r\n\r\n{}"),
        ]
        for (what, request) in requests {
            let raw = try await context.rawConnection(context.label("raw"))
            await raw.send(Array(request.utf8))
            let limit = context.timeout(.seconds(5))
            let answer = await raw.readAnswer(toMethod: String(request.prefix { $0 != " " }), timeout: limit)
            raw.close()
            if case .timedOut(let bytes) = answer {
                try context.fail(
                    expected: ["an answer or a closed connection within \(KitFormat.duration(limit)) for \(what)"],
                    actual: bytes.isEmpty ? "nothing, connection open" : "'\(KitFormat.bytes(bytes, limit: 80))' and no complete answer")
            }
            if case .response(let response) = answer, response.head.status >= 500 {
                try context.fail(expected: ["a 4xx, a 101 or a closed connection for \(what)"], actual: "status \(response.head.status)")
            }
        }
        try await context.expectDelivery(to: bystander, user: user, after: "header floods", requirement: "ROBUST-4")
        try await context.probeLiveness(after: "header floods", requirement: "ROBUST-4")
    }

    /// HTTP/1.1 chunk sizes past 32 and 64 bits (RFC 9112 §7.1): a parser that truncates or wraps the
    /// size (Bun's 32-bit `chunkSize()`, oven-sh/bun#26931) reads a few bytes as the chunk and the rest
    /// as a request of its own, which a proxy in front never saw: request smuggling. The size must be
    /// refused (4xx, or a closed connection) or waited on, never taken for a small one; the request
    /// hidden after the chunk must never be answered.
    static let chunkSizes = Scenario(
        id: "robustness/advisory-chunk-sizes",
        title: "Chunk sizes past 32 and 64 bits are refused, not truncated: nothing is smuggled (oven-sh/bun#26931)",
        area: .robustness, requirements: ["ROBUST-4"], transports: [.http]
    ) { context in
        let (bystander, user) = try await context.bystander()
        let hidden = "GET /socket.io/?EIO=4&transport=polling&kit-smuggled=1 HTTP/1.1\r\nHost: kit\r\n\r\n"
        let head = "POST /messages HTTP/1.1\r\nHost: kit\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        let sizes: [(String, String)] = [
            ("a chunk size of 2^32 + 5 (0x100000005)", chunkSizeBeyond32Bits),
            ("a chunk size of 2^84 + 5, past 64 bits", chunkSizeBeyond64Bits),
        ]
        for (what, size) in sizes {
            let raw = try await context.rawConnection(context.label("chunked"))
            await raw.send(Array((head + size + "\r\n{\"a\":\r\n0\r\n\r\n" + hidden).utf8))
            let answers = await readAnswers(raw, methods: ["POST", "GET"], within: context.timeout(.seconds(2)))
            raw.close()
            if let first = answers.first, first.head.status < 400 {
                try context.fail(expected: ["a 4xx, a closed connection or no answer yet for \(what)"], actual: "status \(first.head.status)")
            }
            if answers.count > 1 {
                try context.fail(
                    expected: ["no answer to the request hidden after the chunk (\(what))"],
                    actual: "answered it with status \(answers[1].head.status): the chunk size was truncated")
            }
        }
        try await context.expectDelivery(to: bystander, user: user, after: "oversized chunk sizes", requirement: "ROBUST-4")
        try await context.probeLiveness(after: "oversized chunk sizes", requirement: "ROBUST-4")
    }

    /// The chunk sizes `chunkSizes` sends (hex): 2^32 + 5, and 2^84 + 5.
    public static let chunkSizeBeyond32Bits = "100000005"
    public static let chunkSizeBeyond64Bits = "1000000000000000000005"

    /// The complete responses that arrive on `raw` within `limit`, one per method in turn, until the
    /// peer closes or a response is incomplete.
    static func readAnswers(_ raw: KitRawConnection, methods: [String], within limit: Duration) async -> [HTTPResponse] {
        let deadline = ContinuousClock.now + limit
        var received: [UInt8] = []
        while ContinuousClock.now < deadline {
            guard let bytes = await raw.receive(timeout: deadline - ContinuousClock.now) else { break }
            if bytes.isEmpty { break }
            received += bytes
        }
        var parser = HTTPResponseParser()
        parser.append(received)
        var answers: [HTTPResponse] = []
        for method in methods {
            parser.expectResponse(toMethod: method)
            guard let response = try? parser.nextResponse() else { break }
            answers.append(response)
        }
        return answers
    }

    /// engine.io: connections cut mid-request (CVE-2022-41940, an unhandled ECONNRESET), an upgrade
    /// abandoned before the 101 is read, a polling POST whose body never comes (CVE-2020-36048), and
    /// sids named after JavaScript prototype members, answered 400 (TRANSPORT-7).
    static let abortedRequests = Scenario(
        id: "robustness/advisory-aborted-requests",
        title: "Aborted upgrades, cut and unfinished requests and prototype-named sids harm no one else (CVE-2022-41940, CVE-2020-36048)",
        area: .robustness, requirements: ["ROBUST-4", "TRANSPORT-7"], transports: [.http, .polling]
    ) { context in
        let (bystander, user) = try await context.bystander()
        let polling = try await context.connect(context.label("polling"), transport: .polling, connectNamespace: false)
        let sid = KitSession.percentEncoded(polling.openPayload.sid)
        let cut: [(String, String)] = [
            ("an upgrade abandoned before its 101", "GET /socket.io/?EIO=4&transport=websocket&sid=\(sid) HTTP/1.1\r\nHost: kit\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
            ("a binary polling POST whose body never comes", "POST /socket.io/?EIO=4&transport=polling&sid=\(sid) HTTP/1.1\r\nHost: kit\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n" + String(repeating: "b", count: 100)),
            ("a request cut in its head", "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: k"),
        ]
        for (_, request) in cut {
            let raw = try await context.rawConnection(context.label("cut"))
            await raw.send(Array(request.utf8))
            raw.close()
        }
        for name in ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"] {
            let result = try await context.http("GET", "/socket.io/?EIO=4&transport=polling&sid=\(name)")
            try context.expectEqual(result.status, 400, "status of a poll for the sid \(name)")
            let posted = try await context.http("POST", "/socket.io/?EIO=4&transport=polling&sid=\(name)", body: Array("40".utf8))
            try context.expectEqual(posted.status, 400, "status of a polling POST for the sid \(name)")
        }
        try await context.expectDelivery(to: bystander, user: user, after: "aborted and unfinished requests", requirement: "ROBUST-4")
        try await context.probeLiveness(after: "aborted and unfinished requests", requirement: "ROBUST-4")
    }
}
