import Foundation
import WireCodecs

/// What the kit knows to authenticate against a server that requires it (Spec AUTH-1): the shared
/// HS256 secret (`--auth-secret-file`), the audience tokens must name (`--auth-audience`) and the
/// server's clock leeway (`--auth-leeway`), and how it mints tokens for the users it invents.
public struct KitAuthentication: Sendable, Equatable {
    /// The kit's default for the server's leeway (the reference server's default).
    public static let defaultLeewaySeconds = 5
    /// Lifetime of the tokens the kit mints for ordinary scenarios, seconds.
    public static let defaultLifetimeSeconds: Int64 = 3_600

    public var secret: [UInt8]
    public var audience: String?
    /// The server's leeway on `exp`, `nbf` and `iat` (at most 60 s per AUTH-4): the kit waits this
    /// much past a token's `exp` for the session to end (AUTH-6).
    public var leewaySeconds: Int

    public init(secret: [UInt8], audience: String? = nil, leewaySeconds: Int = KitAuthentication.defaultLeewaySeconds) {
        self.secret = secret
        self.audience = audience
        self.leewaySeconds = leewaySeconds
    }

    /// Seconds since the Unix epoch now.
    public static func unixTime() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// A valid token for `user`, expiring `lifetime` seconds from now.
    public func token(for user: String, lifetime: Int64 = KitAuthentication.defaultLifetimeSeconds) -> String {
        let now = Self.unixTime()
        return JSONWebToken.mint(subject: user, expiresAt: now + lifetime, issuedAt: now, audience: audience, secret: secret)
    }

    /// A token with any payload and header, signed with `secret` (forged and malformed tokens for AUTH-3, AUTH-4).
    public func signed(header: JSONValue = JSONWebToken.standardHeader, payload: JSONValue, secret: [UInt8]? = nil) -> String {
        JSONWebToken.sign(header: header, payload: payload, secret: secret ?? self.secret)
    }

    /// The standard claims for `user` (`sub`, `iat`, `exp` an hour on, `aud` when configured), to alter.
    public func claims(for user: String, expiresAt: Int64? = nil, extra: [JSONMember] = []) -> JSONValue {
        let now = Self.unixTime()
        var members = [
            JSONMember("sub", .string(user)),
            JSONMember("iat", .number(Double(now))),
            JSONMember("exp", .number(Double(expiresAt ?? now + Self.defaultLifetimeSeconds))),
        ]
        if let audience { members.append(JSONMember("aud", .string(audience))) }
        members += extra
        return .object(members)
    }

    /// The CONNECT payload carrying `token`: `{"token":"…"}`.
    public static func connectPayload(_ token: String) -> JSONValue {
        .object([JSONMember("token", .string(token))])
    }
}
