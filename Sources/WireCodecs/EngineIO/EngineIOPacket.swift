/// One Engine.IO v4 packet (Engine.IO protocol v4, "Packet encoding").
///
/// Text packets are `<type digit><data>`; binary messages travel as WebSocket binary frames, or in a
/// polling payload as `b<base64>`.
public enum EngineIOPacket: Sendable, Equatable {
    /// 0: the handshake, data is the JSON open payload.
    case open(EngineIOOpenPayload)
    /// 1: close the transport.
    case close
    /// 2: heartbeat (v4: sent by the server) or `2probe` during the upgrade.
    case ping(String)
    /// 3: heartbeat answer or `3probe` during the upgrade.
    case pong(String)
    /// 4: a text message (carries a Socket.IO packet).
    case message(String)
    /// A binary message (a Socket.IO binary attachment).
    case binaryMessage([UInt8])
    /// 5: the upgrade is complete.
    case upgrade
    /// 6: no operation, used to release a pending poll during the upgrade.
    case noop
}

/// The data of the open packet (Engine.IO v4, "Handshake").
public struct EngineIOOpenPayload: Sendable, Equatable {
    public var sid: String
    public var upgrades: [String]
    /// Milliseconds between server pings.
    public var pingInterval: Int
    /// Milliseconds the server waits for a pong before closing.
    public var pingTimeout: Int
    /// Largest payload, in bytes, the server accepts per polling request or WebSocket message.
    public var maxPayload: Int

    public init(sid: String, upgrades: [String], pingInterval: Int, pingTimeout: Int, maxPayload: Int) {
        self.sid = sid
        self.upgrades = upgrades
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.maxPayload = maxPayload
    }
}
