/// Where the kit's client reports what it does and sees: the operations of its sessions (Jepsen
/// style, `History`) and the frames on the wire (`WireTrace`), both on the run's clock, and the
/// heartbeat each session's open packet advertised.
///
/// The client knows no scenario: `ScenarioContext` is the recorder a scenario's sessions report to.
public protocol KitRecorder: Sendable {
    /// The clock that stamps operations, trace entries and received events.
    var clock: KitClock { get }
    var history: History { get }
    var wireTrace: WireTrace { get }
    /// A session was told this heartbeat (`pingInterval` and `pingTimeout` in milliseconds).
    func noteHeartbeat(pingInterval: Int, pingTimeout: Int)
}
