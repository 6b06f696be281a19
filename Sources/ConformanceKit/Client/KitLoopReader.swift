import NetworkCore

/// Loop-confined consumer of a kit connection's received bytes, installed with
/// `KitTCPConnection.divertReads(leftover:to:)`: it sees every byte on the loop thread, in order, and
/// may write on the connection at once (a pong cannot then wait for Swift's cooperative pool).
protocol KitLoopReader: AnyObject {
    /// Bytes received, in order. `connection` is nil when they were read before the connection closed
    /// and only reach the reader afterwards (nothing can be written then).
    func didRead(_ bytes: [UInt8], on connection: Connection?)

    /// The connection has closed; nothing more will be read. Called once.
    func didClose()
}
