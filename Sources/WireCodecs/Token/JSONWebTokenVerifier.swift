/// Verifies HS256 JSON Web Tokens under a shared secret (RFC 7519 §7.2, RFC 7515 §5.2, RFC 7518 §3.2;
/// Spec AUTH-1). Pure: the current time is passed in.
///
/// Refused: anything but three canonical base64url parts; a header that is not a JSON object or whose
/// `alg` is not `HS256` (`none` above all, RFC 8725 §3.1); a signature that differs from
/// HMAC-SHA256 of the first two parts (compared in constant time); a payload that is not a JSON
/// object; `sub` missing, empty or not a string; `exp` missing or not a number; `nbf`, `iat` not
/// numbers; `exp <= now - leeway`; `nbf > now + leeway` or `iat > now + leeway`; with an audience
/// configured, `aud` not naming it; without one, any `aud` (as PyJWT does).
public struct JSONWebTokenVerifier: Sendable {
    /// Longest token looked at; longer ones are refused before any work. Default 8 KiB.
    public static let defaultMaxTokenBytes = 8 * 1024

    public let secret: [UInt8]
    /// The `aud` a token must name; nil: tokens must carry no `aud`.
    public let audience: String?
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, seconds.
    public let leewaySeconds: Double
    public let maxTokenBytes: Int

    public init(secret: [UInt8], audience: String? = nil, leewaySeconds: Double = 0, maxTokenBytes: Int = JSONWebTokenVerifier.defaultMaxTokenBytes) {
        self.secret = secret
        self.audience = audience
        self.leewaySeconds = leewaySeconds
        self.maxTokenBytes = maxTokenBytes
    }

    /// The claims of `token` if it is valid at `now` (seconds since the Unix epoch).
    public func verify(_ token: String, now: Double) -> Result<JSONWebTokenClaims, JSONWebTokenError> {
        guard token.utf8.count <= maxTokenBytes else { return .failure(.malformed("longer than \(maxTokenBytes) bytes")) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure(.malformed("not three dot-separated parts")) }
        guard let headerBytes = Base64URL.decode(parts[0]), let header = try? JSONParser.parse(headerBytes, maxDepth: 8),
              header.objectMembers != nil
        else { return .failure(.malformed("the header is not a base64url JSON object")) }
        // RFC 8725 §3.1: the algorithm is the verifier's choice, never the token's.
        guard let algorithm = header["alg"]?.stringValue else { return .failure(.unsupportedAlgorithm("(missing)")) }
        guard algorithm == JSONWebToken.algorithm else { return .failure(.unsupportedAlgorithm(algorithm)) }
        // A signature that is not even base64url cannot match: the same refusal as a wrong one.
        guard let signature = Base64URL.decode(parts[2]) else { return .failure(.badSignature) }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        let expected = HMACSHA256.authenticationCode(key: secret, message: signingInput)
        guard HMACSHA256.constantTimeEquals(expected, signature) else { return .failure(.badSignature) }
        guard let payloadBytes = Base64URL.decode(parts[1]), let payload = try? JSONParser.parse(payloadBytes, maxDepth: 8),
              payload.objectMembers != nil
        else { return .failure(.malformed("the payload is not a base64url JSON object")) }
        return claims(of: payload, now: now)
    }

    /// RFC 7519 §4.1: the registered claims this protocol uses, checked against `now`.
    private func claims(of payload: JSONValue, now: Double) -> Result<JSONWebTokenClaims, JSONWebTokenError> {
        guard let subjectValue = payload["sub"] else { return .failure(.invalidClaim("sub is missing")) }
        guard let subject = subjectValue.stringValue, !subject.isEmpty else { return .failure(.invalidClaim("sub is not a non-empty string")) }
        guard let expiryValue = payload["exp"] else { return .failure(.invalidClaim("exp is missing")) }
        guard let expiresAt = Self.numericDate(expiryValue) else { return .failure(.invalidClaim("exp is not a number")) }
        var notBefore: Double?
        if let value = payload["nbf"] {
            guard let number = Self.numericDate(value) else { return .failure(.invalidClaim("nbf is not a number")) }
            notBefore = number
        }
        var issuedAt: Double?
        if let value = payload["iat"] {
            guard let number = Self.numericDate(value) else { return .failure(.invalidClaim("iat is not a number")) }
            issuedAt = number
        }
        var audiences: [String] = []
        if let value = payload["aud"] {
            switch value {
            case .string(let single): audiences = [single]
            case .array(let elements):
                let strings = elements.compactMap(\.stringValue)
                guard strings.count == elements.count else { return .failure(.invalidClaim("aud is not a string or an array of strings")) }
                audiences = strings
            default: return .failure(.invalidClaim("aud is not a string or an array of strings"))
            }
        }
        // RFC 7519 §4.1.4: "the current date/time MUST be before the expiration date/time".
        guard expiresAt > now - leewaySeconds else { return .failure(.expired) }
        if let notBefore, notBefore > now + leewaySeconds { return .failure(.notYetValid) }
        if let issuedAt, issuedAt > now + leewaySeconds { return .failure(.notYetValid) }
        if let audience {
            guard audiences.contains(audience) else { return .failure(.wrongAudience) }
        } else if payload["aud"] != nil {
            return .failure(.wrongAudience)
        }
        return .success(JSONWebTokenClaims(subject: subject, expiresAt: expiresAt, notBefore: notBefore, issuedAt: issuedAt, audience: audiences))
    }

    /// A finite JSON number (RFC 7519 §2 NumericDate); booleans and strings are not dates.
    private static func numericDate(_ value: JSONValue) -> Double? {
        guard let number = value.numberValue, number.isFinite else { return nil }
        return number
    }
}
