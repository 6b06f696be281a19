import Testing
@testable import WireCodecs

/// Signing, minting and `Authorization: Bearer` parsing (RFC 7519, RFC 6750 §2.1).
@Suite struct JSONWebTokenTests {
    @Test func signedTokenHasThreeUnpaddedParts() {
        let token = JSONWebToken.mint(subject: "alice", expiresAt: 2, issuedAt: 1, secret: [1, 2, 3])
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3)
        #expect(!token.contains("=") && !token.contains("+") && !token.contains("/"))
        #expect(Base64URL.decode(parts[0]).map { String(decoding: $0, as: UTF8.self) } == #"{"alg":"HS256","typ":"JWT"}"#)
        #expect(Base64URL.decode(parts[1]).map { String(decoding: $0, as: UTF8.self) } == #"{"sub":"alice","iat":1,"exp":2}"#)
        #expect(Base64URL.decode(parts[2])?.count == 32)
    }

    @Test func mintWithAudienceAndNotBefore() {
        let token = JSONWebToken.mint(subject: "a", expiresAt: 9, issuedAt: 1, notBefore: 2, audience: "chat", secret: [])
        let payload = token.split(separator: ".")[1]
        #expect(Base64URL.decode(payload).map { String(decoding: $0, as: UTF8.self) } == #"{"sub":"a","iat":1,"exp":9,"nbf":2,"aud":"chat"}"#)
    }

    @Test(arguments: [
        ("Bearer abc.def.ghi", "abc.def.ghi"),
        ("bearer abc", "abc"),
        ("BEARER   abc", "abc"),
        ("  Bearer abc ", "abc"),
    ])
    func bearerTokens(value: String, token: String) {
        #expect(JSONWebToken.bearerToken(fromAuthorization: value) == token)
    }

    @Test(arguments: ["", "Bearer", "Bearer ", "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Bearerabc", "Token abc"])
    func notBearerTokens(value: String) {
        #expect(JSONWebToken.bearerToken(fromAuthorization: value) == nil)
    }
}
