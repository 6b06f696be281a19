/// The claims of a verified token that the protocol uses (RFC 7519 §4.1; Spec AUTH-1).
public struct JSONWebTokenClaims: Sendable, Equatable {
    /// `sub`: the user the token speaks for.
    public var subject: String
    /// `exp`, seconds since the Unix epoch.
    public var expiresAt: Double
    /// `nbf`, when present.
    public var notBefore: Double?
    /// `iat`, when present.
    public var issuedAt: Double?
    /// `aud` as a list (a single string becomes one element); empty when absent.
    public var audience: [String]

    public init(subject: String, expiresAt: Double, notBefore: Double? = nil, issuedAt: Double? = nil, audience: [String] = []) {
        self.subject = subject
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuedAt = issuedAt
        self.audience = audience
    }
}
