import Foundation

/// Every mutant; `MUTANTS=name,name` in the environment runs only those (while working on one).
enum MutantCatalog {
    static let all: [Mutant] = TransportMutants.all + HTTPMutants.all + MessengerMutants.all + DurabilityMutants.all + RobustnessMutants.all
        + AuthenticationMutants.all + ClusterMutants.all + OperatingMutants.all + AdvisoryMutants.all

    /// The mutants this run executes: all (the cluster ones only where PostgreSQL can be had), or those
    /// `MUTANTS` names.
    static var selected: [Mutant] {
        let runnable = all.filter { !$0.isCluster } + ClusterMutants.available
        guard let names = ProcessInfo.processInfo.environment["MUTANTS"], !names.isEmpty else { return runnable }
        let wanted = Set(names.split(separator: ",").map(String.init))
        return runnable.filter { wanted.contains($0.name) }
    }

    static var isPartial: Bool { selected.count != all.count }
}
