import Foundation
import Testing

/// Replays the saved fuzz inputs (`Fuzz/regressions/<target>/`) and the seed corpora
/// (`Fuzz/corpus/<target>/`) through the same drivers the libFuzzer targets run: each input must be
/// parsed or refused with an error, with every driver invariant holding.
@Suite struct FuzzRegressionTests {
    @Test(arguments: FuzzDriver.all.keys.sorted())
    func savedInputsReplayCleanly(target: String) throws {
        let driver = try #require(FuzzDriver.all[target])
        let inputs = try FuzzInputs.files(in: "Fuzz/regressions/\(target)") + FuzzInputs.files(in: "Fuzz/corpus/\(target)")
        for file in inputs {
            let findings = driver(Array(try Data(contentsOf: file)))
            #expect(findings.isEmpty, "\(target) \(file.path): \(findings.joined(separator: "; "))")
        }
    }

    @Test(arguments: FuzzDriver.all.keys.sorted())
    func everyTargetHasSeeds(target: String) throws {
        #expect(try !FuzzInputs.files(in: "Fuzz/corpus/\(target)").isEmpty, "Fuzz/corpus/\(target) is empty; run Fuzz/make-corpus")
    }

    @Test func regressionFoldersNameKnownTargets() throws {
        let root = try FuzzInputs.packageRoot().appendingPathComponent("Fuzz/regressions")
        let folders = try FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
        for folder in folders {
            #expect(FuzzDriver.all[folder.lastPathComponent] != nil, "no fuzz target named \(folder.lastPathComponent)")
        }
    }

    @Test func driversReportABrokenInvariant() {
        var check = FuzzCheck()
        check.expect(true, "kept")
        check.expect(false, "broken")
        #expect(check.findings == ["broken"])
    }
}

/// Finds the saved fuzz inputs, walking up from this file to the package root.
enum FuzzInputs {
    struct MissingRoot: Error, CustomStringConvertible {
        var description: String { "no Package.swift above \(#filePath)" }
    }

    static func packageRoot() throws -> URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        throw MissingRoot()
    }

    /// The input files in a folder relative to the package root, sorted; notes (`.txt`, `.md`) are
    /// skipped, and a missing folder has none.
    static func files(in relativePath: String) throws -> [URL] {
        let folder = try packageRoot().appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { !["txt", "md"].contains($0.pathExtension) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
