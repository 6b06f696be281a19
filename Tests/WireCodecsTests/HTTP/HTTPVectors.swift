import Foundation
import Testing

@testable import WireCodecs

/// `Spec/vectors/http.json`, decoded, and a runner that feeds a vector to a parser.
struct HTTPVectorFile: Decodable, Sendable {
    var description: String
    var requests: [HTTPVector]
    var responses: [HTTPVector]

    /// The vectors file, found by walking up from this source file to the package root.
    static let loaded: Result<HTTPVectorFile, any Error> = Result {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            let parent = directory.deletingLastPathComponent()
            guard parent.path != directory.path else { throw CocoaError(.fileNoSuchFile) }
            directory = parent
        }
        let data = try Data(contentsOf: directory.appendingPathComponent("Spec/vectors/http.json"))
        return try JSONDecoder().decode(HTTPVectorFile.self, from: data)
    }

    static var requestVectors: [HTTPVector] { (try? loaded.get())?.requests ?? [] }
    static var responseVectors: [HTTPVector] { (try? loaded.get())?.responses ?? [] }
}

/// One golden case: raw bytes and the outcomes they must produce.
struct HTTPVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Limits: Decodable, Sendable {
        var httpMaxHeadSize: Int?
        var httpMaxHeaderCount: Int?
        var httpMaxBodySize: Int?
    }

    /// A message or an error, as the JSON states it.
    struct Expected: Decodable, Sendable {
        var method: String?
        var target: String?
        var version: String?
        var status: Int?
        var reason: String?
        var headers: [[String]]?
        var body: String?
        var error: String?
    }

    var name: String
    var raw: String
    var limits: Limits?
    var requestMethods: [String]?
    var eof: Bool?
    var expect: Expected
    var following: [Expected]?
    var unparsed: String?

    var testDescription: String { name }

    var wireLimits: WireLimits {
        var result = WireLimits.standard
        if let value = limits?.httpMaxHeadSize { result.httpMaxHeadSize = value }
        if let value = limits?.httpMaxHeaderCount { result.httpMaxHeaderCount = value }
        if let value = limits?.httpMaxBodySize { result.httpMaxBodySize = value }
        return result
    }

    var expectedOutcomes: [HTTPOutcome] { ([expect] + (following ?? [])).map(HTTPOutcome.init) }

    /// `raw` split into pieces of `chunkSize` bytes (0: one piece).
    func chunks(of chunkSize: Int) -> [[UInt8]] {
        let bytes = Array(raw.utf8)
        guard chunkSize > 0 else { return [bytes] }
        return stride(from: 0, to: bytes.count, by: chunkSize).map {
            Array(bytes[$0..<min($0 + chunkSize, bytes.count)])
        }
    }
}

/// What a parser produced, in a form both sides of a comparison share.
enum HTTPOutcome: Equatable, CustomStringConvertible {
    case request(method: String, target: String, version: String, headers: [[String]], body: [UInt8])
    case response(version: String, status: Int, reason: String, headers: [[String]], body: [UInt8])
    case error(caseName: String, status: Int)

    init(_ expected: HTTPVector.Expected) {
        if let error = expected.error {
            self = .error(caseName: error, status: expected.status ?? 0)
        } else if let method = expected.method {
            self = .request(
                method: method, target: expected.target ?? "", version: expected.version ?? "",
                headers: expected.headers ?? [], body: Array((expected.body ?? "").utf8))
        } else {
            self = .response(
                version: expected.version ?? "", status: expected.status ?? 0, reason: expected.reason ?? "",
                headers: expected.headers ?? [], body: Array((expected.body ?? "").utf8))
        }
    }

    init(_ request: HTTPRequest) {
        self = .request(
            method: request.head.method, target: request.head.target, version: request.head.version.description,
            headers: request.head.headers.map { [$0.name, $0.value] }, body: request.body)
    }

    init(_ response: HTTPResponse) {
        self = .response(
            version: response.head.version.description, status: response.head.status, reason: response.head.reason,
            headers: response.head.headers.map { [$0.name, $0.value] }, body: response.body)
    }

    init(_ error: HTTPParseError) { self = .error(caseName: error.caseName, status: error.status) }

    var description: String {
        switch self {
        case .request(let method, let target, let version, let headers, let body):
            "\(method) \(target) \(version) \(headers) body=\(String(decoding: body, as: UTF8.self).debugDescription)"
        case .response(let version, let status, let reason, let headers, let body):
            "\(version) \(status) \(reason) \(headers) body=\(String(decoding: body, as: UTF8.self).debugDescription)"
        case .error(let caseName, let status): "error \(caseName) (\(status))"
        }
    }
}

/// Feeds vectors to parsers, draining after every append, as a server or client would.
enum HTTPVectorRunner {
    static func runRequests(_ vector: HTTPVector, chunkSize: Int) -> (outcomes: [HTTPOutcome], unparsed: [UInt8]) {
        var parser = HTTPRequestParser(limits: vector.wireLimits)
        var outcomes: [HTTPOutcome] = []
        feeding: for chunk in vector.chunks(of: chunkSize) {
            parser.append(chunk)
            while true {
                do {
                    guard let request = try parser.nextRequest() else { break }
                    outcomes.append(HTTPOutcome(request))
                } catch {
                    outcomes.append(HTTPOutcome(error))
                    break feeding
                }
            }
        }
        return (outcomes, parser.takeUnparsedBytes())
    }

    static func runResponses(_ vector: HTTPVector, chunkSize: Int) -> (outcomes: [HTTPOutcome], unparsed: [UInt8]) {
        var parser = HTTPResponseParser(limits: vector.wireLimits)
        for method in vector.requestMethods ?? [] { parser.expectResponse(toMethod: method) }
        var outcomes: [HTTPOutcome] = []
        var failed = false
        feeding: for chunk in vector.chunks(of: chunkSize) {
            parser.append(chunk)
            while true {
                do {
                    guard let response = try parser.nextResponse() else { break }
                    outcomes.append(HTTPOutcome(response))
                } catch {
                    outcomes.append(HTTPOutcome(error))
                    failed = true
                    break feeding
                }
            }
        }
        if vector.eof == true && !failed {
            while true {
                do {
                    guard let response = try parser.finish() else { break }
                    outcomes.append(HTTPOutcome(response))
                } catch {
                    outcomes.append(HTTPOutcome(error))
                    break
                }
            }
        }
        return (outcomes, parser.takeUnparsedBytes())
    }
}
