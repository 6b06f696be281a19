/// What the kit's client takes from the run: how far to stretch its waits and the tokens it sends.
public struct KitClientSettings: Sendable, Equatable {
    /// Every wait of the client is `base × timeoutFactor` (`--timeout-factor`).
    public var timeoutFactor: Double
    /// Tokens for a server that requires authentication (Spec AUTH-1); nil: none are sent.
    public var authentication: KitAuthentication?

    public init(timeoutFactor: Double = 1, authentication: KitAuthentication? = nil) {
        self.timeoutFactor = timeoutFactor
        self.authentication = authentication
    }

    /// The scaled form of a client wait.
    public func timeout(_ base: Duration) -> Duration { base * timeoutFactor }
}
