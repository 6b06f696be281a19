import Foundation
import ReferenceServer
import WireCodecs
#if canImport(Glibc)
import Glibc
#endif

/// Robustness and `send_message` faults (Spec ROBUST, EXT).
enum RobustnessMutants {
    static let all: [Mutant] = [
        unknownEventDisconnects, malformedEngineIOClosesAll, malformedSocketIOClosesAll, acceptsUnmaskedFrames, blockingWrites,
        sendMessageAckOK, refusalsAckedSuccess,
    ]

    static let unknownEventDisconnects = Mutant(
        "unknown-event-disconnects", fault: "disconnects a session that emits an event it has no handler for", breaks: ["ROBUST-1"],
        fails: ["robustness/unknown-events"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.incomingEngineIO = { _, packet in
            guard let socketIO = Wire.socketIO(packet), let event = Wire.event(socketIO), !["join", "send_message"].contains(event.name) else { return packet }
            return .message("1")
        }
        return hooks
    }

    /// Closes (with an Engine.IO close packet) every session that existed when `poison` was called,
    /// but the one at fault, as soon as anything is sent to it.
    final class Poison: Sendable {
        let seen = Shared<Set<String>>([])
        let poisoned = Shared<Set<String>>([])

        func poison(sparing sid: String) {
            let victims = seen.with { $0 }.subtracting([sid])
            poisoned.with { $0.formUnion(victims) }
        }

        func outgoing(_ sid: String, _ packet: EngineIOPacket) -> [EngineIOPacket] {
            seen.with { _ = $0.insert(sid) }
            return poisoned.with { $0.contains(sid) } ? [.close] : [packet]
        }
    }

    static let malformedEngineIOClosesAll = Mutant(
        "malformed-engineio-closes-all", fault: "closes every session when one's Engine.IO session fails to parse", breaks: ["ROBUST-2", "ROBUST-3"],
        // A malformed Socket.IO packet also ends its Engine.IO session with a parse error.
        fails: ["robustness/advisory-socketio-parser", "robustness/malformed-engineio", "robustness/malformed-socketio"], concurrency: 1
    ) { _ in
        let poison = Poison()
        var hooks = ServerHooks()
        hooks.outgoingEngineIO = { sid, packet in poison.outgoing(sid, packet) }
        hooks.engineIOActions = { sid, actions in
            if actions.contains(.sessionClosed(reason: .parseError)) { poison.poison(sparing: sid) }
            return actions
        }
        return hooks
    }

    static let malformedSocketIOClosesAll = Mutant(
        "malformed-socketio-closes-all", fault: "closes every session when one sends a malformed Socket.IO packet", breaks: ["ROBUST-3"],
        // The Engine.IO scenario's bad polling body carries Socket.IO garbage too.
        fails: ["robustness/advisory-socketio-parser", "robustness/malformed-socketio", "robustness/malformed-engineio"], concurrency: 1
    ) { _ in
        let poison = Poison()
        var hooks = ServerHooks()
        hooks.outgoingEngineIO = { sid, packet in poison.outgoing(sid, packet) }
        hooks.incomingEngineIO = { sid, packet in
            if case .message = packet, Wire.socketIO(packet) == nil { poison.poison(sparing: sid) }
            return packet
        }
        return hooks
    }

    static let acceptsUnmaskedFrames = Mutant(
        "accepts-unmasked-frames", fault: "does not check the mask bit of client frames (RFC 6455 §5.1)", breaks: ["ROBUST-5"],
        fails: ["robustness/invalid-websocket-frame"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.incomingWebSocketBytes = { bytes in
            // An unmasked short frame read on its own: masked with the all-zero key, it reads the same.
            guard bytes.count >= 2, bytes[1] & 0x80 == 0, Int(bytes[1] & 0x7F) < 126, bytes.count == 2 + Int(bytes[1]) else { return bytes }
            return [bytes[0], bytes[1] | 0x80, 0, 0, 0, 0] + bytes[2...]
        }
        return hooks
    }

    static let blockingWrites = Mutant(
        "blocking-writes", fault: "one send queue for all sessions: a session with megabytes unread holds up the others' messages",
        breaks: ["ROBUST-6"], fails: ["robustness/stalled-reader"]
    ) { _ in
        let written = Shared<[String: Int]>([:])
        let stalled = Shared<String?>(nil)
        let blocked = Shared(1)  // messages to other sessions held up (and lost) behind the stalled one
        var hooks = ServerHooks()
        hooks.outgoingEngineIO = { sid, packet in
            guard case .message(let text) = packet else { return [packet] }
            let total = written.with { table -> Int in
                table[sid, default: 0] += text.utf8.count
                return table[sid, default: 0]
            }
            if total > 3_000_000 { stalled.with { $0 = $0 ?? sid } }
            guard let culprit = stalled.with({ $0 }), culprit != sid, text.hasPrefix("2") else { return [packet] }
            return blocked.with { left -> Bool in
                guard left > 0 else { return false }
                left -= 1
                return true
            } ? [] : [packet]
        }
        return hooks
    }

    /// Rewrites the argument of every Socket.IO ACK the server sends.
    static func rewritingAcks(_ rewrite: @escaping @Sendable (JSONValue) -> JSONValue) -> ServerHooks {
        var hooks = ServerHooks()
        hooks.outgoingEngineIO = { _, packet in
            guard var socketIO = Wire.socketIO(packet), socketIO.type == .ack, case .array(let items)? = socketIO.data, let first = items.first
            else { return [packet] }
            socketIO.data = .array([rewrite(first)] + items.dropFirst())
            return [.message(socketIO.encoded())]
        }
        return hooks
    }

    static let sendMessageAckOK = Mutant(
        "send-message-ack-ok", fault: #"acknowledges send_message with {"status":"ok"}"#, breaks: ["EXT-2"],
        fails: ["extension/send-message"], skips: ["extension/send-message-refusals"]
    ) { _ in
        rewritingAcks { value in value["status"] == nil ? value : value.setting("status", .string("ok")) }
    }

    static let refusalsAckedSuccess = Mutant(
        "refusals-acked-success", fault: "acknowledges every send_message with success, refused ones included", breaks: ["EXT-3"],
        fails: ["extension/send-message-refusals"]
    ) { _ in
        rewritingAcks { value in value["error"] == nil ? value : .object([JSONMember("status", .string("success"))]) }
    }
}
