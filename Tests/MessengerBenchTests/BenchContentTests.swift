import Testing
import WireCodecs
@testable import ConformanceKit
@testable import MessengerBench

@Suite struct BenchContentTests {
    let content = BenchContent(token: "k3x", contentBytes: 32)

    @Test func contentIsPaddedAndCarriesTheSequence() {
        #expect(content.content(42) == "#42/k3x" + String(repeating: ".", count: 25))
        #expect(content.content(42).utf8.count == 32)
        #expect(BenchContent(token: "k3x", contentBytes: 1).contentBytes == 16)
    }

    @Test func theSequenceIsReadBackFromANewMessageEvent() {
        let event = "42[\"new_message\",{\"sender\":\"sk3x\",\"content\":\"\(content.content(1234))\",\"timestamp\":\"2026-11-22T12:00:00.000Z\"}]"
        #expect(content.sequence(inEventText: event) == 1234)
    }

    @Test func foreignContentIsNotAttributed() {
        #expect(content.sequence(inEventText: "42[\"new_message\",{\"content\":\"#12/other\"}]") == nil)
        #expect(content.sequence(inEventText: "42[\"new_message\",{\"content\":\"hello\"}]") == nil)
        #expect(content.sequence(inEventText: "42[\"new_message\",{\"content\":\"#/k3x\"}]") == nil)
        #expect(content.sequence(inEventText: "") == nil)
    }

    @Test func withASecretTheConnectAndThePostsCarryTokensForTheirNames() throws {
        let authentication = KitAuthentication(secret: Array("s3cret".utf8), audience: "chat")
        let signed = BenchContent(token: "k3x", contentBytes: 32, authentication: authentication)
        #expect(content.connectText(user: 4) == "40")
        #expect(content.senderAuthorizationLine.isEmpty)
        let connect = signed.connectText(user: 4)
        #expect(connect.hasPrefix("40{\"token\":\""))
        let token = String(connect.dropFirst("40{\"token\":\"".count).dropLast(2))
        let claims = try JSONWebTokenVerifier(secret: authentication.secret, audience: "chat").verify(token, now: Double(KitAuthentication.unixTime())).get()
        #expect(claims.subject == "uk3x-4")
        let line = String(decoding: signed.senderAuthorizationLine, as: UTF8.self)
        #expect(line.hasPrefix("Authorization: Bearer ") && line.hasSuffix("\r\n"))
        let senderToken = String(line.dropFirst("Authorization: Bearer ".count).dropLast())  // "\r\n" is one Character
        #expect(try JSONWebTokenVerifier(secret: authentication.secret, audience: "chat").verify(senderToken, now: Double(KitAuthentication.unixTime())).get().subject == "sk3x")
    }

    @Test func bodiesAndEventsAreValidJSONWithTheNames() {
        #expect(content.postBody(sequence: 3, receiver: 7) == "{\"sender\":\"sk3x\",\"receiver\":\"uk3x-7\",\"content\":\"\(content.content(3))\"}")
        #expect(content.sendMessageEvent(sequence: 3, receiver: 7, ackID: 9) == "429[\"send_message\",{\"receiver\":\"uk3x-7\",\"content\":\"\(content.content(3))\"}]")
    }
}
