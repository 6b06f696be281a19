import Foundation
import ReferenceServer
import WireCodecs

/// Faults of a server under storage faults and of its request checks (Spec SEND-6, TRANSPORT-7).
enum OperatingMutants {
    static let all: [Mutant] = [storageFaultAnswered500, versionCheckedAtHandshakeOnly]

    static let storageFaultAnswered500 = Mutant(
        "storage-fault-answered-500", fault: "answers a full disk with 500 and the SQLite error, SQL included (no Retry-After)",
        breaks: ["SEND-6"], fails: ["send/storage-fault"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.response = { request, response in
            guard response.head.status == 503, let target = request?.target, Wire.path(target) == "/messages" else { return response }
            let reason = "message not stored: \(FaultInjectingStore.diskFull)"
            return Wire.json(500, .object([JSONMember("error", .string(reason))]))
        }
        return hooks
    }

    static let versionCheckedAtHandshakeOnly = Mutant(
        "version-checked-at-handshake-only",
        fault: "checks EIO only at the handshake (as Node does): an upgrade or poll with EIO=3 of an EIO=4 session is served",
        breaks: ["TRANSPORT-7"], fails: ["transport/version-on-every-request"]
    ) { _ in
        var hooks = ServerHooks()
        hooks.request = { request in
            let target = request.head.target
            guard Wire.path(target).hasPrefix("/socket.io"), Wire.query(target)["sid"] != nil else { return nil }
            let parts = target.split(separator: "?", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            let query = parts[1].split(separator: "&").map { $0.hasPrefix("EIO=") ? "EIO=4" : String($0) }
            request.head.target = parts[0] + "?" + query.joined(separator: "&")
            return nil
        }
        return hooks
    }
}
