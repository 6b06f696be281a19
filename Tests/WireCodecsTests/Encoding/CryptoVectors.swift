/// `Spec/vectors/crypto.json`: SHA-256, HMAC-SHA256, base64url and HS256 JWT golden vectors.
struct CryptoVectors: Decodable {
    struct Digest: Decodable, CustomTestStringConvertible {
        var name: String
        var hex: String
        var digest: String
        var testDescription: String { name }
    }
    struct Million: Decodable {
        var `repeat`: String
        var count: Int
        var digest: String
    }
    struct Boundaries: Decodable {
        struct Vector: Decodable {
            var length: Int
            var digest: String
        }
        var vectors: [Vector]
    }
    struct MAC: Decodable, CustomTestStringConvertible {
        var name: String
        var keyHex: String
        var dataHex: String
        var mac: String
        var truncateToBytes: Int?
        var testDescription: String { name }
    }
    struct Base64URLVectors: Decodable {
        struct Valid: Decodable {
            var hex: String
            var text: String
        }
        var valid: [Valid]
        var invalid: [String]
    }
    struct Tokens: Decodable {
        /// A token to verify: valid ones name their `subject`, invalid ones their `error` class.
        struct Case: Decodable, CustomTestStringConvertible {
            var name: String
            var token: String
            var subject: String?
            var error: String?
            var leeway: Double?
            var audience: String?
            var testDescription: String { name }
        }
        struct Signed: Decodable {
            var payload: String
            var token: String
        }
        var secret: String
        var now: Double
        var valid: [Case]
        var invalid: [Case]
        var signed: [Signed]
    }

    var sha256: [Digest]
    var sha256Million: Million
    var sha256Boundaries: Boundaries
    var hmacSHA256: [MAC]
    var base64url: Base64URLVectors
    var jwt: Tokens

    static func load() throws -> CryptoVectors { try SpecVectors.load("crypto.json") }

    /// Loaded once for parameterised tests (a missing file fails every test that uses it).
    static let shared: CryptoVectors? = try? load()

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

import Testing
