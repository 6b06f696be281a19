import Foundation
import ConformanceKit
import ReferenceServer
import WireCodecs

/// The crashes of the advisories the kit checks (`AdvisoryScenarios`): a Node server whose process dies
/// on the crafted input drops every session, modelled by closing every session seen so far.
enum AdvisoryMutants {
    static let all: [Mutant] = [socketIOParserCrash, reservedBitsCrash, headerFloodCrash, chunkSizeTruncated, prototypeSIDCrash]

    static let socketIOParserCrash = Mutant(
        "socketio-parser-crash",
        fault: "drops every session on a binary packet or a _placeholder object (socket.io-parser CVE-2020-36049, CVE-2022-2421)",
        breaks: ["ROBUST-3"], fails: ["robustness/advisory-socketio-parser", "robustness/malformed-socketio"], concurrency: 1
    ) { _ in
        let poison = RobustnessMutants.Poison()
        var hooks = ServerHooks()
        hooks.outgoingEngineIO = { sid, packet in poison.outgoing(sid, packet) }
        hooks.incomingEngineIO = { sid, packet in
            if case .message(let text) = packet, text.hasPrefix("5") || text.contains("_placeholder") { poison.poison(sparing: sid) }
            return packet
        }
        return hooks
    }

    static let reservedBitsCrash = Mutant(
        "reserved-bits-crash", fault: "drops every session on a WebSocket frame with RSV2 or RSV3 set (engine.io CVE-2022-21676)",
        breaks: ["ROBUST-5"], fails: ["robustness/advisory-websocket-frames"], concurrency: 1
    ) { _ in
        let poison = RobustnessMutants.Poison()
        var hooks = ServerHooks()
        hooks.outgoingEngineIO = { sid, packet in poison.outgoing(sid, packet) }
        hooks.incomingWebSocketBytes = { bytes in
            // A whole small masked frame read on its own, RSV2 or RSV3 set.
            if bytes.count >= 6, bytes[0] & 0x30 != 0, bytes[1] & 0x80 != 0, Int(bytes[1] & 0x7F) < 126, bytes.count == 6 + Int(bytes[1] & 0x7F) {
                poison.poison(sparing: "")
            }
            return bytes
        }
        return hooks
    }

    static let headerFloodCrash = Mutant(
        "header-flood-crash", fault: "drops every session when a request has too many or too long header fields (ws CVE-2024-37890)",
        breaks: ["ROBUST-4"], fails: ["robustness/advisory-header-floods"], concurrency: 1
    ) { _ in
        let poison = RobustnessMutants.Poison()
        var hooks = ServerHooks()
        hooks.outgoingEngineIO = { sid, packet in poison.outgoing(sid, packet) }
        hooks.response = { request, response in
            if request == nil, response.head.status == 431 { poison.poison(sparing: "") }
            return response
        }
        return hooks
    }

    static let chunkSizeTruncated = Mutant(
        "chunk-size-truncated",
        fault: "keeps the low bits of a chunk size that does not fit (oven-sh/bun#26931): the rest of the chunk is read as a request of its own",
        breaks: ["ROBUST-4"], fails: ["robustness/advisory-chunk-sizes"]
    ) { _ in
        var hooks = ServerHooks()
        // What a 32- or 64-bit size variable keeps of the kit's two sizes (2^32 + 5, 2^84 + 5): 5.
        let oversized = [AdvisoryScenarios.chunkSizeBeyond32Bits, AdvisoryScenarios.chunkSizeBeyond64Bits].map { Array("\r\n\($0)\r\n".utf8) }
        hooks.incomingHTTPBytes = { bytes in
            var bytes = bytes
            for size in oversized {
                if let range = bytes.firstRange(of: size) { bytes.replaceSubrange(range, with: Array("\r\n5\r\n".utf8)) }
            }
            return bytes
        }
        return hooks
    }

    static let prototypeSIDCrash = Mutant(
        "prototype-sid-crash", fault: "drops every session on a request whose sid names a JavaScript prototype member (clients[sid] lookups)",
        breaks: ["ROBUST-4"], fails: ["robustness/advisory-aborted-requests"], concurrency: 1
    ) { _ in
        let poison = RobustnessMutants.Poison()
        var hooks = ServerHooks()
        hooks.outgoingEngineIO = { sid, packet in poison.outgoing(sid, packet) }
        hooks.request = { request in
            if let sid = Wire.query(request.head.target)["sid"], ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"].contains(sid) {
                poison.poison(sparing: "")
            }
            return nil
        }
        return hooks
    }
}
