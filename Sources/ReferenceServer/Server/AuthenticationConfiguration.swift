import WireCodecs

/// How the server authenticates clients (Spec AUTH-1): the HS256 secret shared with the application's
/// backend, the audience tokens must name, the clock leeway.
public struct AuthenticationConfiguration: Sendable {
    /// Longest leeway the Spec allows (AUTH-4), seconds.
    public static let maximumLeewaySeconds = 60

    /// The shared secret (the bytes of `--auth-secret-file`, without its trailing line break). Never logged.
    public var secret: [UInt8]
    /// The `aud` every token must name; nil: tokens must carry no `aud`. Default nil.
    public var audience: String?
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, seconds (at most 60). Default 5.
    public var leewaySeconds: Int

    public init(secret: [UInt8], audience: String? = nil, leewaySeconds: Int = 5) {
        self.secret = secret
        self.audience = audience
        self.leewaySeconds = leewaySeconds
    }

    /// The verifier for these settings.
    public var verifier: JSONWebTokenVerifier {
        JSONWebTokenVerifier(secret: secret, audience: audience, leewaySeconds: Double(leewaySeconds))
    }

    /// The secret held in a file's contents: one trailing line break (`\n` or `\r\n`) is not part of
    /// it, so `echo secret > file` and PyJWT reading `file.read().rstrip("\r\n")` agree. Nil when empty.
    public static func secret(fromFileContents contents: [UInt8]) -> [UInt8]? {
        var secret = contents
        if secret.last == UInt8(ascii: "\n") { secret.removeLast() }
        if secret.last == UInt8(ascii: "\r") { secret.removeLast() }
        return secret.isEmpty ? nil : secret
    }
}
