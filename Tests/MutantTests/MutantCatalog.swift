import Foundation

/// Every mutant; `MUTANTS=name,name` in the environment runs only those (while working on one).
enum MutantCatalog {
    static let all: [Mutant] = TransportMutants.all + HTTPMutants.all + MessengerMutants.all + DurabilityMutants.all + RobustnessMutants.all + OperatingMutants.all + AdvisoryMutants.all

    static var selected: [Mutant] {
        guard let names = ProcessInfo.processInfo.environment["MUTANTS"], !names.isEmpty else { return all }
        let wanted = Set(names.split(separator: ",").map(String.init))
        return all.filter { wanted.contains($0.name) }
    }

    static var isPartial: Bool { selected.count != all.count }
}
