/// A raw TCP connection to the target, for malformed input (Spec ROBUST-4, ROBUST-5); every byte
/// sent and received is traced under `label`.
public final class KitRawConnection: Sendable {
    public let label: String
    let connection: KitTCPConnection
    let trace: WireTrace

    init(label: String, connection: KitTCPConnection, trace: WireTrace) {
        self.label = label
        self.connection = connection
        self.trace = trace
    }

    public func send(_ bytes: [UInt8]) async {
        trace.append(session: label, .sent, KitFormat.bytes(bytes))
        connection.send(bytes)
    }

    /// The next bytes received; nil once the peer closed (and everything was read); empty on timeout.
    public func receive(timeout: Duration) async -> [UInt8]? {
        switch await connection.read(timeout: timeout) {
        case .bytes(let bytes):
            trace.append(session: label, .received, KitFormat.bytes(bytes))
            return bytes
        case .closed:
            trace.append(session: label, .note, "closed by the peer")
            return nil
        case .timedOut:
            return []
        }
    }

    /// Reads until the peer closes or `timeout` passes; `closed` tells which.
    public func readUntilClosed(timeout: Duration) async -> (bytes: [UInt8], closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var collected: [UInt8] = []
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return (collected, false) }
            switch await connection.read(timeout: remaining) {
            case .bytes(let bytes):
                trace.append(session: label, .received, KitFormat.bytes(bytes))
                collected += bytes
            case .closed:
                trace.append(session: label, .note, "closed by the peer")
                return (collected, true)
            case .timedOut:
                return (collected, false)
            }
        }
    }

    /// Stops (false) or resumes (true) reading from the socket (Spec ROBUST-6).
    public func setReading(_ isReading: Bool) { connection.setReading(isReading) }

    public func close() {
        trace.append(session: label, .note, "closed by the client")
        connection.close()
    }
}
