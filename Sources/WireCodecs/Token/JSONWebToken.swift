/// Compact JWS JSON Web Tokens signed with HS256: signing and minting (RFC 7519 §7.1, RFC 7515 §7.1,
/// RFC 7518 §3.2). Pure: the caller supplies the secret and the times. Verification is
/// `JSONWebTokenVerifier`.
public enum JSONWebToken {
    /// The only signature algorithm this protocol uses (Spec AUTH-1).
    public static let algorithm = "HS256"

    /// `BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(HMAC-SHA256(secret, the first two))`.
    ///
    /// Any header is signed as given, so tests and the kit can build tokens a server must refuse
    /// (another `alg`, tampered payloads).
    public static func sign(header: JSONValue, payload: JSONValue, secret: [UInt8]) -> String {
        let signingInput = Base64URL.encode(Array(header.serialized().utf8)) + "." + Base64URL.encode(Array(payload.serialized().utf8))
        let signature = HMACSHA256.authenticationCode(key: secret, message: Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// The standard header, `{"alg":"HS256","typ":"JWT"}`.
    public static var standardHeader: JSONValue {
        .object([JSONMember("alg", .string(algorithm)), JSONMember("typ", .string("JWT"))])
    }

    /// A token for `subject` (`sub`) expiring at `expiresAt` (`exp`), with `iat` and, when given,
    /// `nbf` and `aud`; times are seconds since the Unix epoch (RFC 7519 §2 NumericDate).
    public static func mint(
        subject: String, expiresAt: Int64, issuedAt: Int64, notBefore: Int64? = nil, audience: String? = nil, secret: [UInt8]
    ) -> String {
        var members = [
            JSONMember("sub", .string(subject)),
            JSONMember("iat", .number(Double(issuedAt))),
            JSONMember("exp", .number(Double(expiresAt))),
        ]
        if let notBefore { members.append(JSONMember("nbf", .number(Double(notBefore)))) }
        if let audience { members.append(JSONMember("aud", .string(audience))) }
        return sign(header: standardHeader, payload: .object(members), secret: secret)
    }

    /// The token of an `Authorization: Bearer <token>` field value (RFC 6750 §2.1; the scheme is
    /// case-insensitive, RFC 9110 §11.1); nil for another scheme or an empty token.
    public static func bearerToken(fromAuthorization value: String) -> String? {
        let trimmed = value.drop { $0 == " " || $0 == "\t" }
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = trimmed.dropFirst(7).drop { $0 == " " }.prefix { $0 != " " && $0 != "\t" }
        return token.isEmpty ? nil : String(token)
    }
}
