import WireCodecs

/// Fuzz target `jwt`: `JSONWebTokenVerifier.verify` on arbitrary bytes (as UTF-8 text), under the
/// secret and time of the `jwt` vectors in `Spec/vectors/crypto.json`.
///
/// RFC 7519 §7.2, Spec AUTH-3, AUTH-4. Invariants: an accepted token has a non-empty `sub`, an `exp`
/// after now minus the leeway and an `nbf` not after now plus the leeway, and the same token is
/// refused for its signature under another secret (one byte changed: HMAC pads a short key with zero
/// bytes, so appending a 0 would give the same key).
enum JSONWebTokenFuzzDriver {
    static let secret = Array("kit-shared-secret".utf8)
    static let now: Double = 1_800_000_000
    static let leeway: Double = 30

    static func run(_ input: [UInt8]) -> [String] {
        var check = FuzzCheck()
        let token = String(decoding: input, as: UTF8.self)
        guard case .success(let claims) = JSONWebTokenVerifier(secret: secret, leewaySeconds: leeway).verify(token, now: now) else { return [] }
        check.expect(!claims.subject.isEmpty, "jwt: accepted an empty sub in \(token)")
        check.expect(claims.expiresAt > now - leeway, "jwt: accepted exp \(claims.expiresAt) in \(token)")
        check.expect((claims.notBefore ?? now) <= now + leeway, "jwt: accepted nbf \(claims.notBefore ?? 0) in \(token)")
        let other = JSONWebTokenVerifier(secret: secret.dropLast() + [secret[secret.count - 1] ^ 1], leewaySeconds: leeway).verify(token, now: now)
        check.expect(other == .failure(.badSignature), "jwt: \(token) verified under another secret: \(other)")
        return check.findings
    }
}
