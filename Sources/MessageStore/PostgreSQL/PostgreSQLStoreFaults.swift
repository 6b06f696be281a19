/// Deliberate deviations of `PostgreSQLMessageStore`, for the conformance kit's cluster mutants only
/// (the shipped server never sets one). Default: none.
public struct PostgreSQLStoreFaults: Sendable {
    /// After the listener reconnects, it does not read what was committed while it was away: it resumes
    /// from the newest commit, as a node that trusts notifications alone does. Its listener also comes
    /// back a second after the writer (so commits of other nodes certainly fall in the gap).
    public var skipsCatchUpAfterReconnect = false
    /// Completes each message as stored after its INSERT, before the COMMIT (which follows 250 ms later).
    public var acknowledgesBeforeCommit = false
    /// Takes ids without the commit lock (so a transaction holding a smaller id may commit later) and
    /// hands messages over in the order their commits become visible, while history stays in id order.
    public var deliversInCommitOrder = false

    public init(skipsCatchUpAfterReconnect: Bool = false, acknowledgesBeforeCommit: Bool = false, deliversInCommitOrder: Bool = false) {
        self.skipsCatchUpAfterReconnect = skipsCatchUpAfterReconnect
        self.acknowledgesBeforeCommit = acknowledgesBeforeCommit
        self.deliversInCommitOrder = deliversInCommitOrder
    }
}
