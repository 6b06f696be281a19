import Foundation

/// Locates files of the package's `Spec/` folder from this source file's path.
enum SpecFiles {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static func url(_ relativePath: String) -> URL { packageRoot.appendingPathComponent("Spec").appendingPathComponent(relativePath) }

    static func text(_ relativePath: String) throws -> String { try String(contentsOf: url(relativePath), encoding: .utf8) }
}
