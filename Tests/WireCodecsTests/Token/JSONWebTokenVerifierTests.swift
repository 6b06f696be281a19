import Testing
@testable import WireCodecs

/// Every acceptance and every rejection class of `JSONWebTokenVerifier`, on the vectors of
/// `Spec/vectors/crypto.json` (built with Python's `hmac`, an independent implementation) and on
/// tokens minted here.
@Suite struct JSONWebTokenVerifierTests {
    static let secret = Array("kit-shared-secret".utf8)
    static let now: Double = 1_800_000_000

    static func errorClass(_ error: JSONWebTokenError) -> String {
        switch error {
        case .malformed: "malformed"
        case .unsupportedAlgorithm: "unsupportedAlgorithm"
        case .badSignature: "badSignature"
        case .invalidClaim: "invalidClaim"
        case .expired: "expired"
        case .notYetValid: "notYetValid"
        case .wrongAudience: "wrongAudience"
        }
    }

    @Test func vectorsLoad() throws {
        let tokens = try CryptoVectors.load().jwt
        #expect(tokens.valid.count >= 5)
        #expect(Set(tokens.invalid.compactMap(\.error)).count == 7)  // every rejection class has a vector
        #expect(tokens.valid.allSatisfy { $0.subject != nil } && tokens.invalid.allSatisfy { $0.error != nil })
    }

    @Test(arguments: CryptoVectors.shared?.jwt.valid ?? [])
    func validVector(vector: CryptoVectors.Tokens.Case) throws {
        let tokens = try #require(CryptoVectors.shared).jwt
        let verifier = JSONWebTokenVerifier(secret: Array(tokens.secret.utf8), audience: vector.audience, leewaySeconds: vector.leeway ?? 0)
        let result = verifier.verify(vector.token, now: tokens.now)
        #expect((try? result.get())?.subject == vector.subject, "\(result)")
    }

    @Test(arguments: CryptoVectors.shared?.jwt.invalid ?? [])
    func invalidVector(vector: CryptoVectors.Tokens.Case) throws {
        let tokens = try #require(CryptoVectors.shared).jwt
        let verifier = JSONWebTokenVerifier(secret: Array(tokens.secret.utf8), audience: vector.audience, leewaySeconds: vector.leeway ?? 0)
        switch verifier.verify(vector.token, now: tokens.now) {
        case .success(let claims): Issue.record("accepted \(claims)")
        case .failure(let error): #expect(Self.errorClass(error) == vector.error, "\(error)")
        }
    }

    @Test func mintedTokensMatchTheVectors() throws {
        let tokens = try CryptoVectors.load().jwt
        for signed in tokens.signed {
            let payload = try JSONParser.parse(signed.payload)
            #expect(JSONWebToken.sign(header: JSONWebToken.standardHeader, payload: payload, secret: Array(tokens.secret.utf8)) == signed.token)
        }
        // mint() writes sub, iat, exp in that order: the same bytes.
        #expect(JSONWebToken.mint(subject: "alice", expiresAt: 1_800_003_600, issuedAt: 1_799_999_990, secret: Array(tokens.secret.utf8))
            == tokens.signed[0].token)
    }

    @Test func mintThenVerifyCarriesEveryClaim() throws {
        let token = JSONWebToken.mint(
            subject: "alice", expiresAt: 1_800_000_600, issuedAt: 1_800_000_000, notBefore: 1_799_999_990,
            audience: "messenger", secret: Self.secret)
        let claims = try JSONWebTokenVerifier(secret: Self.secret, audience: "messenger").verify(token, now: Self.now).get()
        #expect(claims == JSONWebTokenClaims(
            subject: "alice", expiresAt: 1_800_000_600, notBefore: 1_799_999_990, issuedAt: 1_800_000_000, audience: ["messenger"]))
    }

    @Test func expiryEdgesWithLeeway() {
        let token = JSONWebToken.mint(subject: "a", expiresAt: 1_800_000_000, issuedAt: 1_799_999_000, secret: Self.secret)
        let strict = JSONWebTokenVerifier(secret: Self.secret)
        #expect(strict.verify(token, now: 1_799_999_999.5).map(\.subject) == .success("a"))
        #expect(strict.verify(token, now: 1_800_000_000) == .failure(.expired))
        let lenient = JSONWebTokenVerifier(secret: Self.secret, leewaySeconds: 5)
        #expect(lenient.verify(token, now: 1_800_000_004.9).map(\.subject) == .success("a"))
        #expect(lenient.verify(token, now: 1_800_000_005) == .failure(.expired))
    }

    @Test func notBeforeEdgesWithLeeway() {
        let token = JSONWebToken.mint(subject: "a", expiresAt: 1_900_000_000, issuedAt: 1_800_000_000, notBefore: 1_800_000_010, secret: Self.secret)
        #expect(JSONWebTokenVerifier(secret: Self.secret).verify(token, now: 1_800_000_009) == .failure(.notYetValid))
        #expect(JSONWebTokenVerifier(secret: Self.secret).verify(token, now: 1_800_000_010).map(\.subject) == .success("a"))
        #expect(JSONWebTokenVerifier(secret: Self.secret, leewaySeconds: 1).verify(token, now: 1_800_000_009).map(\.subject) == .success("a"))
    }

    @Test func everyFlippedSignatureBitIsRefused() throws {
        let token = JSONWebToken.mint(subject: "alice", expiresAt: 1_900_000_000, issuedAt: 1_800_000_000, secret: Self.secret)
        let parts = token.split(separator: ".").map(String.init)
        let signature = try #require(Base64URL.decode(parts[2]))
        let verifier = JSONWebTokenVerifier(secret: Self.secret)
        for index in signature.indices {
            var flipped = signature
            flipped[index] ^= 0x01
            #expect(verifier.verify(parts[0] + "." + parts[1] + "." + Base64URL.encode(flipped), now: Self.now) == .failure(.badSignature))
        }
    }

    @Test func algorithmNoneIsRefusedWhateverTheSignature() {
        let payload = JSONValue.object([JSONMember("sub", .string("alice")), JSONMember("exp", .number(1_900_000_000))])
        let header = JSONValue.object([JSONMember("alg", .string("none"))])
        // Even "signed" correctly with the secret, alg none is not HS256.
        let token = JSONWebToken.sign(header: header, payload: payload, secret: Self.secret)
        #expect(JSONWebTokenVerifier(secret: Self.secret).verify(token, now: Self.now) == .failure(.unsupportedAlgorithm("none")))
    }

    @Test func oversizedTokenIsRefusedBeforeAnyWork() {
        let token = String(repeating: "a", count: JSONWebTokenVerifier.defaultMaxTokenBytes + 1)
        guard case .failure(.malformed) = JSONWebTokenVerifier(secret: Self.secret).verify(token, now: Self.now) else {
            Issue.record("accepted an oversized token")
            return
        }
    }

    @Test func emptySecretStillVerifiesOnlyItsOwnTokens() {
        let token = JSONWebToken.mint(subject: "a", expiresAt: 1_900_000_000, issuedAt: 1_800_000_000, secret: [])
        #expect(JSONWebTokenVerifier(secret: []).verify(token, now: Self.now).map(\.subject) == .success("a"))
        #expect(JSONWebTokenVerifier(secret: Self.secret).verify(token, now: Self.now) == .failure(.badSignature))
    }
}
