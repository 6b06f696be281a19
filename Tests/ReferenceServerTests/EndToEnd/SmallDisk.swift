import Foundation
import MessageStore
import ReferenceServer
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A directory on a small file system the test can fill: a tmpfs mounted for the test, else a
/// loop-mounted ext2 image; when neither can be mounted (not root, no `mount`), nil, and the caller
/// falls back to `FaultInjectingStore`.
final class SmallDisk {
    let directory: String
    /// How it was made, for the test's output: "tmpfs" or "loop-mounted image".
    let kind: String
    private let image: String?

    private init(directory: String, kind: String, image: String?) {
        self.directory = directory
        self.kind = kind
        self.image = image
    }

    /// Mounts a file system of `megabytes` MiB; nil (with the reason) when it cannot.
    static func mount(megabytes: Int) -> (disk: SmallDisk?, reason: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("small-disk-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let tmpfs = run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", directory])
        if tmpfs.status == 0 { return (SmallDisk(directory: directory, kind: "tmpfs", image: nil), "") }
        let image = directory + ".img"
        if run("/usr/bin/truncate", ["-s", "\(megabytes)M", image]).status == 0,
           run("/sbin/mkfs.ext2", ["-q", "-F", image]).status == 0,
           run("/bin/mount", ["-o", "loop", image, directory]).status == 0 {
            return (SmallDisk(directory: directory, kind: "loop-mounted image", image: image), "")
        }
        try? FileManager.default.removeItem(atPath: image)
        try? FileManager.default.removeItem(atPath: directory)
        return (nil, "mount -t tmpfs failed: \(tmpfs.output.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    /// Bytes still free for an unprivileged writer.
    var freeBytes: Int {
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else { return 0 }
        return Int(stats.f_bavail) * Int(stats.f_frsize)
    }

    /// Fills the disk up to `leaving` free bytes with a file that `freeFiller()` removes.
    func fill(leaving: Int) throws {
        let count = max(0, freeBytes - leaving)
        let chunk = [UInt8](repeating: 0x5A, count: 64 * 1024)
        guard let file = fopen(directory + "/filler", "w") else { throw TestClientError("cannot create the filler file") }
        var written = 0
        while written < count {
            let size = min(chunk.count, count - written)
            guard fwrite(chunk, 1, size, file) == size else { break }
            written += size
        }
        fclose(file)
    }

    func freeFiller() { try? FileManager.default.removeItem(atPath: directory + "/filler") }

    /// Unmounts and removes everything.
    func remove() {
        _ = Self.run("/bin/umount", ["-l", directory])
        if let image { try? FileManager.default.removeItem(atPath: image) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    static func run(_ path: String, _ arguments: [String]) -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: path) else { return (127, "\(path) not found") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (126, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// The switch of a `FaultInjectingStore`: whether the "disk" is full.
final class FaultSwitch: Sendable {
    let isFull = Atomic<Bool>(false)
}
