import MessageStore
import Testing
import WireCodecs
@testable import ReferenceServer

@Suite struct HTTPResponseCreatedTests {
    static let messages = [
        StoredMessage(id: 1, sender: "a", receiver: "b", content: "hi", timestamp: "2026-11-22T12:00:00.000Z"),
        StoredMessage(id: 9_007_199_254_740_993, sender: "é", receiver: "\"", content: "", timestamp: "x\"\\\u{1}"),
        StoredMessage(id: -5, sender: "", receiver: "", content: "", timestamp: ""),
    ]
    static let origins: [RequestOrigin?] = [nil, "http://localhost:3000", "https://é.example", "a\r\nSet-Cookie: x\0y"].flatMap { field in
        [RequestOrigin(field: field, allowList: []), RequestOrigin(field: field, allowList: field.map { [$0] } ?? [])]
    } + [RequestOrigin(field: "", allowList: [""])]
    static let fields: [HTTPResponse.ConnectionField] = [.none, .close, .keepAlive]

    /// What `HTTPConnectionHandler.complete` writes for the same answer.
    static func generalBytes(_ message: StoredMessage, origin: RequestOrigin?, field: HTTPResponse.ConnectionField) -> [UInt8] {
        var response = HTTPResponse.json(status: 201, body: MessengerEvents.successBody(message), origin: origin)
        switch field {
        case .none: break
        case .close: response.head.headers.replaceOrAdd(name: "Connection", value: "close")
        case .keepAlive: response.head.headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
        return response.serialized()
    }

    @Test(arguments: origins)
    func prebuiltBytesEqualTheGeneralPath(origin: RequestOrigin?) {
        for message in Self.messages {
            for field in Self.fields {
                let fast = HTTPResponse.createdBytes(for: message, origin: origin, connection: field)
                let general = Self.generalBytes(message, origin: origin, field: field)
                #expect(fast == general, "\(String(decoding: fast, as: UTF8.self)) vs \(String(decoding: general, as: UTF8.self))")
            }
        }
    }

    @Test func parsesAsA201WithTheSuccessBody() throws {
        let message = Self.messages[0]
        var parser = HTTPResponseParser()
        parser.append(HTTPResponse.createdBytes(for: message, origin: RequestOrigin(field: "http://x", allowList: []), connection: .none))
        let response = try #require(try parser.nextResponse())
        #expect(response.head.status == 201)
        #expect(response.head.headers["Access-Control-Allow-Origin"] == "http://x")
        #expect(response.head.headers["Access-Control-Allow-Credentials"] == nil)  // Spec CORS-3: not allow-listed
        #expect(response.body == MessengerEvents.successBody(message))
    }

    @Test func credentialsFlagOnlyForAnAllowListedOrigin() throws {
        let allowed = RequestOrigin(field: "https://chat.example", allowList: ["https://chat.example"])
        var parser = HTTPResponseParser()
        parser.append(HTTPResponse.createdBytes(for: Self.messages[0], origin: allowed, connection: .none))
        let response = try #require(try parser.nextResponse())
        #expect(response.head.headers["Access-Control-Allow-Credentials"] == "true")
        #expect(RequestOrigin(field: "https://evil.example", allowList: ["https://chat.example"])?.isAllowListed == false)
        #expect(RequestOrigin(field: nil, allowList: ["https://chat.example"]) == nil)
    }
}
