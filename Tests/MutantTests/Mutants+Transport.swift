import Foundation
import ReferenceServer
import WireCodecs

/// Engine.IO / Socket.IO transport faults (Spec TRANSPORT, HEARTBEAT, NAMESPACE).
enum TransportMutants {
    static let all: [Mutant] = [
        connectWithoutSID, refuseWebSocketSessions, webSocketOnlyDropsEvents, refusePolling, pollingDropsEvents, refuseUpgrade, openPacketWithoutMaxPayload,
        unenforcedMaxPayload, oversizedPollingAnswered400, acceptEIO3, plainText400, concurrentPollAnswered, noHeartbeats, neverDropsSilentClients,
        ignoresPongs, acceptsUnknownNamespace,
    ]

    /// The heartbeat timings the target advertises (see `MutantServerTarget`): a mutant that changes
    /// the timings it runs with still advertises these.
    static let advertisedPingTimeout = 4_000

    static let connectWithoutSID = Mutant(
        "connect-without-sid", fault: "answers CONNECT with a bare 40 (the Socket.IO v4 answer), no sid", breaks: ["TRANSPORT-1"],
        fails: ["robustness/advisory-header-floods", "robustness/advisory-chunk-sizes", "robustness/advisory-aborted-requests", "transport/connect-namespace", "transport/max-payload", "join/basic", "once/after-history", "robustness/malformed-http"],
        skips: ["transport/version-on-every-request"] + SkipSets.afterJoinBasic + SkipSets.afterWebSocketOnly + SkipSets.transports + ["transport/max-payload-413"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.outgoingEngineIO = { _, packet in
            guard case .message(let text) = packet, text.hasPrefix("0{") else { return [packet] }
            return [.message("0")]
        }
        return hooks
    }

    static let refuseWebSocketSessions = Mutant(
        "refuse-websocket-sessions", fault: "refuses sessions opened directly on WebSocket (polling first, as old clients did)",
        breaks: ["TRANSPORT-2", "TRANSPORT-1"],
        fails: ["robustness/advisory-header-floods", "robustness/advisory-chunk-sizes", "robustness/advisory-aborted-requests", "transport/connect-namespace", "transport/open-packet", "join/basic", "once/after-history", "robustness/malformed-http"],
        skips: ["transport/version-on-every-request"] + SkipSets.afterJoinBasic + SkipSets.afterWebSocketOnly + SkipSets.transports + ["transport/max-payload", "transport/max-payload-413"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.request = { request in
            let query = Wire.query(request.head.target)
            guard Wire.path(request.head.target).hasPrefix("/socket.io"), query["transport"] == "websocket", query["sid"] == nil else { return nil }
            return Wire.json(400, .object([JSONMember("code", .number(3)), JSONMember("message", .string("Bad request"))]))
        }
        return hooks
    }

    /// Drops the client's Socket.IO EVENTs on sessions that never polled (`polled` true) or on those that did.
    static func droppingEvents(onPolled polled: Bool) -> ServerHooks {
        let polling = Shared<Set<String>>([])
        var hooks = ServerHooks()
        hooks.engineIOActions = { sid, actions in
            if actions.contains(where: { if case .respondToPoll = $0 { true } else { $0 == .holdPoll } }) {
                polling.with { _ = $0.insert(sid) }
            }
            return actions
        }
        hooks.incomingEngineIO = { sid, packet in
            guard let socketIO = Wire.socketIO(packet), socketIO.type == .event, polling.with({ $0.contains(sid) }) == polled else { return packet }
            return nil
        }
        return hooks
    }

    static let webSocketOnlyDropsEvents = Mutant(
        "websocket-only-drops-events", fault: "on a session opened directly on WebSocket, handles CONNECT but drops the client's events",
        breaks: ["TRANSPORT-2"],
        fails: ["transport/version-on-every-request", "robustness/advisory-header-floods", "robustness/advisory-chunk-sizes", "robustness/advisory-aborted-requests", "transport/websocket-only", "join/basic", "once/after-history", "transport/max-payload", "robustness/malformed-http"],
        skips: SkipSets.afterJoinBasic + SkipSets.afterWebSocketOnly + ["transport/max-payload-413"]
    ) { _ in droppingEvents(onPolled: false) }

    static let pollingDropsEvents = Mutant(
        "polling-drops-events", fault: "acknowledges polling POSTs but drops the events they carry",
        breaks: ["TRANSPORT-3"],
        fails: [
            "transport/polling-only", "heartbeat/answering-client-kept", "join/only-to-joiner", "delivery/fan-out", "privacy/other-users",
            "privacy/unjoined-session", "once/join-race", "once/accepted-before-join", "once/after-history", "order/live-per-pair",
            "order/across-sessions", "order/history-agrees", "disconnect/socketio-disconnect", "disconnect/transport-close",
            "robustness/unknown-events",
        ],
        skips: ["transport/version-on-every-request", "transport/polling-upgrade", "transport/concurrent-poll"]
    ) { _ in droppingEvents(onPolled: true) }

    static let refusePolling = Mutant(
        "refuse-polling", fault: "serves WebSocket only: refuses HTTP long-polling", breaks: ["TRANSPORT-3", "TRANSPORT-1"],
        fails: ["robustness/advisory-aborted-requests",
            "transport/connect-namespace", "transport/open-packet", "transport/bad-request-body", "cors/allow-origin", "join/only-to-joiner",
            "delivery/fan-out", "privacy/other-users", "privacy/unjoined-session", "once/join-race", "once/accepted-before-join",
            "once/after-history", "order/live-per-pair", "order/across-sessions", "order/history-agrees", "disconnect/socketio-disconnect",
            "disconnect/transport-close", "robustness/unknown-events",
        ],
        skips: ["transport/version-on-every-request"] + SkipSets.afterWebSocketOnly + SkipSets.transports + ["transport/max-payload", "transport/max-payload-413"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.request = { request in
            let query = Wire.query(request.head.target)
            guard Wire.path(request.head.target).hasPrefix("/socket.io"), query["transport"] == "polling", query["EIO"] == "4" else { return nil }
            return Wire.json(400, .object([JSONMember("code", .number(0)), JSONMember("message", .string("Transport unknown"))]))
        }
        return hooks
    }

    static let refuseUpgrade = Mutant(
        "refuse-upgrade", fault: "advertises the WebSocket upgrade but refuses it", breaks: ["TRANSPORT-4"],
        fails: ["transport/polling-upgrade", "delivery/fan-out"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.request = { request in
            let query = Wire.query(request.head.target)
            guard query["transport"] == "websocket", query["sid"] != nil else { return nil }
            return Wire.json(400, .object([JSONMember("code", .number(3)), JSONMember("message", .string("Bad request"))]))
        }
        return hooks
    }

    static let openPacketWithoutMaxPayload = Mutant(
        "open-packet-without-max-payload", fault: "sends an Engine.IO v3 style open packet: no maxPayload", breaks: ["TRANSPORT-5"],
        fails: ["transport/open-packet", "transport/websocket-only", "transport/polling-only"],
        skips: ["transport/version-on-every-request"] + SkipSets.afterWebSocketOnly + ["transport/max-payload", "transport/max-payload-413", "transport/polling-upgrade", "transport/concurrent-poll"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.outgoingEngineIO = { _, packet in
            guard case .open(var payload) = packet else { return [packet] }
            payload.maxPayload = 0
            return [.open(payload)]
        }
        return hooks
    }

    static let unenforcedMaxPayload = Mutant(
        "unenforced-max-payload", fault: "advertises maxPayload 1,000,000 but processes bigger payloads", breaks: ["TRANSPORT-6"],
        fails: ["transport/max-payload"], skips: ["transport/max-payload-413"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.engineIOConfiguration = { configuration in
            var configuration = configuration
            configuration.maxPayload = 4 * 1_000_000
            return configuration
        }
        hooks.outgoingEngineIO = { _, packet in
            guard case .open(var payload) = packet else { return [packet] }
            payload.maxPayload = 1_000_000
            return [.open(payload)]
        }
        return hooks
    }

    static let oversizedPollingAnswered400 = Mutant(
        "oversized-polling-400", fault: "refuses an oversized polling body unprocessed, but with 400 instead of 413",
        breaks: ["TRANSPORT-10"], fails: ["transport/max-payload-413"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.response = { request, response in
            guard let request, Wire.path(request.target).hasPrefix("/socket.io"), response.head.status == 413 else { return response }
            var head = response.head
            head.status = 400
            head.reason = "Bad Request"
            return HTTPResponse(head: head, body: response.body)
        }
        return hooks
    }

    static let acceptEIO3 = Mutant(
        "accept-eio-3", fault: "does not check EIO: an Engine.IO v3 handshake is served as v4", breaks: ["TRANSPORT-7"],
        fails: ["transport/bad-request-400"], skips: ["transport/version-on-every-request", "transport/bad-request-body"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.request = { request in
            if request.head.target.contains("EIO=3") {
                request.head.target = request.head.target.replacingOccurrences(of: "EIO=3", with: "EIO=4")
            }
            return nil
        }
        return hooks
    }

    static let plainText400 = Mutant(
        "plain-text-400", fault: "answers bad Engine.IO requests 400 with a plain-text body, not Node's JSON", breaks: ["TRANSPORT-8"],
        fails: ["transport/bad-request-body"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.response = { request, response in
            guard let request, Wire.path(request.target).hasPrefix("/socket.io"), response.head.status == 400 else { return response }
            return Wire.text(400, "Bad Request", type: "text/plain")
        }
        return hooks
    }

    static let concurrentPollAnswered = Mutant(
        "concurrent-poll-answered", fault: "answers a second concurrent polling GET with a noop and keeps the session",
        breaks: ["TRANSPORT-9"], fails: ["transport/concurrent-poll"]
    ) { _ in
        let inFlight = Shared<Set<String>>([])
        var hooks = ServerHooks()
        hooks.request = { request in
            let query = Wire.query(request.head.target)
            guard request.head.method == "GET", query["transport"] == "polling", let sid = query["sid"] else { return nil }
            let isSecond = inFlight.with { !$0.insert(sid).inserted }
            guard isSecond else { return nil }
            var response = Wire.text(200, "6", type: "text/plain; charset=UTF-8")
            response.head.headers.add(name: "X-Mutant", value: "noop")
            return response
        }
        hooks.response = { request, response in
            guard let request, request.method == "GET", response.head.headers["X-Mutant"] == nil,
                  let sid = Wire.query(request.target)["sid"] else { return response }
            inFlight.with { _ = $0.remove(sid) }
            return response
        }
        return hooks
    }

    static let noHeartbeats = Mutant(
        "no-heartbeats", fault: "never sends Engine.IO pings (and so never times a session out)",
        breaks: ["HEARTBEAT-1", "HEARTBEAT-2", "DISCONNECT-3"],
        // heartbeat/silent-client-closed no longer waits for heartbeat/ping-interval (the long waits
        // overlap), so it runs and sees the silent sessions kept open.
        fails: ["heartbeat/ping-interval", "heartbeat/silent-client-closed", "disconnect/heartbeat-timeout"],
        // The kit's sessions, like real clients, give up on a server that never pings: long scenarios may fail.
        mayFail: SkipSets.longScenarios + ["heartbeat/answering-client-kept"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.engineIOConfiguration = { configuration in
            var configuration = configuration
            configuration.pingTimeout = 600_000
            return configuration
        }
        hooks.outgoingEngineIO = { _, packet in
            switch packet {
            // A noop where the ping was: a held poll that the ping would have released is released
            // with a valid payload (dropping the packet left an empty 200 body, a malformed payload
            // that closed the kit's polling sessions in unrelated scenarios).
            case .ping: return [.noop]
            case .open(var payload):
                payload.pingTimeout = advertisedPingTimeout
                return [.open(payload)]
            default: return [packet]
            }
        }
        return hooks
    }

    static let neverDropsSilentClients = Mutant(
        "never-drops-silent-clients", fault: "pings, but never closes a session that stops answering", breaks: ["HEARTBEAT-2", "DISCONNECT-3"],
        fails: ["heartbeat/silent-client-closed", "disconnect/heartbeat-timeout"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.engineIOConfiguration = { configuration in
            var configuration = configuration
            configuration.pingTimeout = 600_000
            return configuration
        }
        hooks.outgoingEngineIO = { _, packet in
            guard case .open(var payload) = packet else { return [packet] }
            payload.pingTimeout = advertisedPingTimeout
            return [.open(payload)]
        }
        return hooks
    }

    static let ignoresPongs = Mutant(
        "ignores-pongs", fault: "does not count pongs: every session times out after pingInterval + pingTimeout", breaks: ["HEARTBEAT-3"],
        fails: ["heartbeat/answering-client-kept"],
        // Every session dies after pingInterval + pingTimeout: scenarios that outlive that may fail.
        mayFail: SkipSets.longScenarios + ["disconnect/heartbeat-timeout"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.incomingEngineIO = { _, packet in
            if case .pong = packet { return nil }
            return packet
        }
        return hooks
    }

    static let acceptsUnknownNamespace = Mutant(
        "accepts-unknown-namespace", fault: "answers a CONNECT to any namespace with CONNECT", breaks: ["NAMESPACE-1"],
        fails: ["namespace/unknown-namespace"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.outgoingEngineIO = { _, packet in
            guard let socketIO = Wire.socketIO(packet), socketIO.type == .connectError, socketIO.namespace != "/" else { return [packet] }
            return [.message("0\(socketIO.namespace),{\"sid\":\"mutant\"}")]
        }
        return hooks
    }
}

/// The skips that follow a failed prerequisite.
enum SkipSets {
    /// The transport scenarios after `transport/connect-namespace`.
    static let transports = ["transport/websocket-only", "transport/polling-only", "transport/polling-upgrade", "transport/concurrent-poll"]

    /// Scenarios whose sessions may outlive pingInterval + pingTimeout (4.3 s on the mutant targets).
    static let longScenarios = [
        "once/join-race", "order/live-per-pair", "order/across-sessions", "order/history-agrees", "robustness/unknown-events",
        "delivery/latency", "delivery/fan-out", "robustness/stalled-reader", "durability/restart", "durability/crash-acknowledged",
        "durability/crash-delivered", "join/only-to-joiner", "disconnect/transport-close", "disconnect/socketio-disconnect",
        "privacy/other-users", "extension/send-message", "send/limits-and-unicode",
        // Waits for a ping cycle; a poll the fault emptied of its ping closes the kit's polling session.
        "transport/concurrent-poll",
    ]

    /// The dependants of `transport/websocket-only`.
    static let afterWebSocketOnly = [
        "heartbeat/ping-interval", "heartbeat/silent-client-closed", "heartbeat/answering-client-kept", "namespace/unknown-namespace",
        "robustness/malformed-engineio", "robustness/malformed-socketio", "robustness/invalid-websocket-frame", "robustness/stalled-reader",
        "robustness/advisory-socketio-parser", "robustness/advisory-websocket-frames",
    ]

    /// The dependants of `join/basic`.
    static let afterJoinBasic = [
        "send/limits-and-unicode", "send/invalid-bodies", "send/oversized", "send/server-timestamp", "join/history-shape",
        "join/only-to-joiner", "join/double-join", "join/rebind", "join/invalid-arguments", "delivery/fan-out", "privacy/other-users",
        "privacy/unjoined-session", "delivery/latency", "once/join-race", "once/accepted-before-join",
        "order/live-per-pair", "order/history-per-pair", "order/across-sessions", "order/history-agrees", "durability/offline",
        "durability/restart", "durability/crash-acknowledged", "durability/crash-delivered", "disconnect/socketio-disconnect",
        "disconnect/transport-close", "disconnect/heartbeat-timeout", "extension/send-message", "extension/send-message-refusals",
        "robustness/unknown-events", "send/storage-fault",
    ]
}
