import MessageStore
import PostgreSQLTestServer

/// Faults of clustered deployments (Spec §12, docs/cluster.md): three nodes on one throwaway PostgreSQL,
/// each node's store carrying the fault; only the CLUSTER scenarios run (`ClusterMutantTarget`).
enum ClusterMutants {
    static let all: [Mutant] = [deliversOnlyOwnPosts, deliversInCommitOrder, skipsCatchUpAfterReconnect, acknowledgesBeforeCommit]

    static let deliversOnlyOwnPosts = Mutant(
        "cluster-delivers-only-own-posts", fault: "a node delivers live only the messages POSTed to it, never other nodes' commits",
        breaks: ["CLUSTER-1"],
        fails: ["cluster/cross-node-delivery", "cluster/same-order-across-nodes", "cluster/history-order-across-nodes", "cluster/database-restart"],
        clusterStore: { url, configuration throws(StorageError) in
            var configuration = configuration
            configuration.otherNodeCommitted = { _ in }
            return try PostgreSQLMessageStore(url: url, configuration: configuration)
        })

    static let deliversInCommitOrder = Mutant(
        "cluster-delivers-in-commit-order",
        fault: "takes ids at INSERT without the commit lock and delivers live in commit order, while history lists by id",
        breaks: ["CLUSTER-2", "CLUSTER-3"],
        fails: ["cluster/same-order-across-nodes", "cluster/history-order-across-nodes"],
        mayFail: ["cluster/database-restart", "cluster/node-crash"],
        clusterStore: { url, configuration throws(StorageError) in
            try PostgreSQLMessageStore(url: url, configuration: configuration, faults: PostgreSQLStoreFaults(deliversInCommitOrder: true))
        })

    static let skipsCatchUpAfterReconnect = Mutant(
        "cluster-skips-catch-up-after-reconnect",
        fault: "after reconnecting to the database, a node resumes from the newest commit and never delivers what was committed while it was away",
        breaks: ["CLUSTER-4"],
        fails: ["cluster/database-restart"],
        clusterStore: { url, configuration throws(StorageError) in
            try PostgreSQLMessageStore(url: url, configuration: configuration, faults: PostgreSQLStoreFaults(skipsCatchUpAfterReconnect: true))
        })

    static let acknowledgesBeforeCommit = Mutant(
        "cluster-acknowledges-before-commit", fault: "a node answers 201 after its INSERT, before the COMMIT",
        breaks: ["CLUSTER-5"],
        fails: ["cluster/node-crash"],
        mayFail: ["cluster/cross-node-delivery", "cluster/same-order-across-nodes", "cluster/history-order-across-nodes", "cluster/database-restart"],
        clusterStore: { url, configuration throws(StorageError) in
            try PostgreSQLMessageStore(url: url, configuration: configuration, faults: PostgreSQLStoreFaults(acknowledgesBeforeCommit: true))
        })

    /// The cluster mutants when PostgreSQL can be had; without it (and not required, see
    /// `ThrowawayPostgreSQL.isRequired`) none, which makes the catalogue partial: the coverage test then
    /// proves only part of the table and says so.
    static var available: [Mutant] {
        if case .failure = ThrowawayPostgreSQL.shared, !ThrowawayPostgreSQL.isRequired { return [] }
        return all
    }
}
