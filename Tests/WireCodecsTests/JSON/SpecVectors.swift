import Foundation

/// Loads golden vectors from `Spec/vectors/`, found by walking up from this file to the package root.
enum SpecVectors {
    struct MissingFile: Error, CustomStringConvertible {
        let name: String
        var description: String { "Spec/vectors/\(name) not found above \(#filePath)" }
    }

    static func load<Vectors: Decodable>(_ name: String, as type: Vectors.Type = Vectors.self) throws -> Vectors {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("Spec/vectors/\(name)")
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: candidate.path) {
                return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: candidate))
            }
            directory.deleteLastPathComponent()
        }
        throw MissingFile(name: name)
    }

    /// Bytes from a hexadecimal string ("01ff").
    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        var output: [UInt8] = []
        var index = 0
        while index + 1 < digits.count {
            output.append(UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) ?? 0)
            index += 2
        }
        return output
    }
}
