import WireCodecs

/// Timers and limits of one Engine.IO server, with the Node.js engine.io defaults.
///
/// Engine.IO v4 "Handshake" (`pingInterval`, `pingTimeout`, `maxPayload`, `upgrades`). All
/// durations are milliseconds.
public struct EngineIOServerConfiguration: Sendable, Equatable {
    /// Milliseconds between the server's `2` pings. Default 25,000.
    public var pingInterval: Int
    /// Milliseconds the client has to answer a ping with `3`. Default 20,000.
    public var pingTimeout: Int
    /// Largest polling payload, in bytes, in either direction; advertised in the open packet.
    /// Default 1,000,000 (`WireLimits.engineIOMaxPayload`).
    public var maxPayload: Int
    /// Upgrades offered to polling sessions. Default `["websocket"]`; empty disables upgrades.
    public var upgrades: [EngineIOTransport]
    /// Milliseconds a WebSocket may take from opening to the `5` upgrade packet. Default 10,000.
    public var upgradeTimeout: Int
    /// Milliseconds a forced close of a polling session waits for a GET to carry the `1` close
    /// packet before giving up. Default 30,000 (engine.io `closeTimeout`).
    public var closeTimeout: Int

    public init(
        pingInterval: Int = 25_000,
        pingTimeout: Int = 20_000,
        maxPayload: Int = WireLimits.standard.engineIOMaxPayload,
        upgrades: [EngineIOTransport] = [.webSocket],
        upgradeTimeout: Int = 10_000,
        closeTimeout: Int = 30_000
    ) {
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.maxPayload = maxPayload
        self.upgrades = upgrades
        self.upgradeTimeout = upgradeTimeout
        self.closeTimeout = closeTimeout
    }

    /// The defaults.
    public static let standard = EngineIOServerConfiguration()
}
