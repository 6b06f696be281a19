/// Deliberate deviations of `PostgreSQLMessageStore`, for the conformance kit's cluster mutants only
/// (the shipped server never sets one). Default: none.
public struct PostgreSQLStoreFaults: Sendable {
    /// After the listener reconnects, it does not read what was committed while it was away.
    public var skipsCatchUpAfterReconnect = false
    /// Completes each message as stored after its INSERT, before the COMMIT.
    public var acknowledgesBeforeCommit = false

    public init(skipsCatchUpAfterReconnect: Bool = false, acknowledgesBeforeCommit: Bool = false) {
        self.skipsCatchUpAfterReconnect = skipsCatchUpAfterReconnect
        self.acknowledgesBeforeCommit = acknowledgesBeforeCommit
    }
}
