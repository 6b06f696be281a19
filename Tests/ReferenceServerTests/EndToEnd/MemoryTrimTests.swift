import Foundation
import Testing

/// RSS after a wave of closed connections, with and without `malloc_trim` (`--trim-after-closes 0`):
/// 4,000 connections each holding 16 KiB of a half-sent request body, then all closed.
@Suite(.serialized) struct MemoryTrimTests {
    static func residentKiB(_ pid: Int32) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4 : 0
    }

    /// (before, peak, after) RSS in KiB.
    static func wave(arguments: [String]) throws -> (Int, Int, Int) {
        let server = try DescriptorExhaustionTests.ServerProcess(descriptorLimit: 20_000, arguments: arguments)
        defer { _ = server.stop() }
        let pid = server.process.processIdentifier
        Thread.sleep(forTimeInterval: 0.3)
        let before = residentKiB(pid)
        let head = "POST /messages HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 20000\r\n\r\n"
        let body = String(repeating: "b", count: 16 * 1024)
        var connections: [RawConnection] = []
        for _ in 0..<4_000 {
            let connection = try RawConnection(port: server.port)
            try connection.send(head + body)
            connections.append(connection)
        }
        Thread.sleep(forTimeInterval: 1)
        let peak = residentKiB(pid)
        for connection in connections { connection.close() }
        Thread.sleep(forTimeInterval: 2.5)
        return (before, peak, residentKiB(pid))
    }

    @Test func aWaveOfClosesGivesTheMemoryBack() throws {
        guard FileManager.default.isExecutableFile(atPath: PythonInteropTests.serverBinary) else { return }
        let trimmed = try Self.wave(arguments: [])
        let kept = try Self.wave(arguments: ["--trim-after-closes", "0"])
        print("RSS KiB before / with 4,000 connections / 2.5 s after they closed: with malloc_trim \(trimmed), without \(kept)")
        #expect(trimmed.1 > trimmed.0 + 20_000, "the flood did not grow the heap: \(trimmed)")
        #expect(trimmed.2 < kept.2, "trim: \(trimmed), no trim: \(kept)")
        #expect(trimmed.2 - trimmed.0 < (kept.2 - kept.0) / 2, "trim: \(trimmed), no trim: \(kept)")
    }
}
