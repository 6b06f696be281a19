/// The limits that keep the server serving under faults, floods and overload, with documented defaults
/// (README "Operating"). Part of `ServerConfiguration` (`configuration.operating`).
public struct OperatingLimits: Sendable, Equatable {
    /// `Retry-After` seconds sent with a 503 (storage fault, overload) or a 429. Default 1.
    public var retryAfterSeconds: Int

    public init(retryAfterSeconds: Int = 1) {
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The defaults.
    public static var standard: OperatingLimits { OperatingLimits() }
}
