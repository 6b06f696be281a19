/// Why a token was refused; `description` is the sentence a client is told (Spec AUTH-2, AUTH-5).
public enum JSONWebTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not three base64url parts, a part that does not decode, or a header or payload that is not a JSON object.
    case malformed(String)
    /// `alg` is not `HS256` (`none` included).
    case unsupportedAlgorithm(String)
    /// The signature does not match the secret.
    case badSignature
    /// A required claim is missing or a claim has the wrong type.
    case invalidClaim(String)
    /// `exp` is past (beyond the leeway).
    case expired
    /// `nbf` or `iat` is in the future (beyond the leeway).
    case notYetValid
    /// The configured audience is not in `aud`, or `aud` is present and no audience is configured.
    case wrongAudience

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed token: \(reason)"
        case .unsupportedAlgorithm(let algorithm): "unsupported token algorithm '\(algorithm)' (only HS256)"
        case .badSignature: "bad token signature"
        case .invalidClaim(let reason): "invalid token claim: \(reason)"
        case .expired: "token expired"
        case .notYetValid: "token not yet valid"
        case .wrongAudience: "token for another audience"
        }
    }
}
