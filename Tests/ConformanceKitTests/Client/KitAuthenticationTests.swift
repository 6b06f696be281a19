import Testing
import WireCodecs
@testable import ConformanceKit

/// The kit's tokens: valid ones verify under the secret for the named user; altered ones do not.
@Suite struct KitAuthenticationTests {
    static let secret = Array("kit-secret".utf8)

    @Test func mintedTokensVerifyForTheirUser() throws {
        let authentication = KitAuthentication(secret: Self.secret, audience: "chat")
        let token = authentication.token(for: "alice", lifetime: 60)
        let now = Double(KitAuthentication.unixTime())
        let claims = try JSONWebTokenVerifier(secret: Self.secret, audience: "chat").verify(token, now: now).get()
        #expect(claims.subject == "alice")
        #expect(claims.expiresAt >= now + 59 && claims.expiresAt <= now + 61)
        #expect(claims.audience == ["chat"])
        #expect(JSONWebTokenVerifier(secret: Self.secret).verify(token, now: now) == .failure(.wrongAudience))
    }

    @Test func claimsCanBeAlteredAndSignedWithAnySecret() {
        let authentication = KitAuthentication(secret: Self.secret)
        let now = KitAuthentication.unixTime()
        let expired = authentication.signed(payload: authentication.claims(for: "bob", expiresAt: now - 3_600))
        #expect(JSONWebTokenVerifier(secret: Self.secret, leewaySeconds: 60).verify(expired, now: Double(now)) == .failure(.expired))
        let foreign = authentication.signed(payload: authentication.claims(for: "bob"), secret: Array("other".utf8))
        #expect(JSONWebTokenVerifier(secret: Self.secret).verify(foreign, now: Double(now)) == .failure(.badSignature))
        let extra = authentication.claims(for: "bob", extra: [JSONMember("nbf", .number(Double(now + 3_600)))])
        #expect(extra["nbf"] == .number(Double(now + 3_600)))
        #expect(KitAuthentication.connectPayload("t") == .object([JSONMember("token", .string("t"))]))
    }

    @Test func forgedTokensAreAllRefused() {
        let authentication = KitAuthentication(secret: Self.secret)
        let now = Double(KitAuthentication.unixTime())
        let forged = AuthenticationScenarios.forgedTokens(authentication, user: "mallory", victim: "alice")
        #expect(forged.count == 8)
        for (what, token) in forged {
            guard case .failure = JSONWebTokenVerifier(secret: Self.secret).verify(token, now: now) else {
                Issue.record("a token with \(what) verified")
                continue
            }
        }
        // The valid token they come from does verify: the refusals are about the forgery.
        #expect((try? JSONWebTokenVerifier(secret: Self.secret).verify(authentication.token(for: "mallory"), now: now).get())?.subject == "mallory")
    }
}
