import ConformanceKit
import Foundation
import Testing

/// Each mutant fails exactly the scenarios of the requirements it breaks (and their prerequisites'
/// dependants are skipped), and passes every other scenario.
@Suite("Mutants", .serialized)
struct MutantTests {
    @Test func everyMutantFailsExactlyItsScenarios() async {
        let runs = await MutantRuns.all.value
        #expect(runs.count == MutantCatalog.selected.count)
        for run in runs {
            for mismatch in run.mismatches {
                Issue.record("mutant \(run.mutant.name) (\(run.mutant.fault)): \(mismatch); the server's metrics: \(run.serverMetrics)")
            }
            #expect(!run.caught.isEmpty, "mutant \(run.mutant.name) breaks \(run.mutant.breaks) but no failed scenario cites them")
        }
    }

    @Test func mutantsAreWellFormed() {
        let names = MutantCatalog.all.map(\.name)
        #expect(Set(names).count == names.count, "mutant names are unique")
        let scenarioIDs = Set(ScenarioCatalog.all.map(\.id))
        let requirementIDs = Set(RequirementCatalog.all.map(\.id))
        for mutant in MutantCatalog.all {
            #expect(!mutant.breaks.isEmpty && Set(mutant.breaks).isSubset(of: requirementIDs), "\(mutant.name): \(mutant.breaks)")
            #expect(Set(mutant.expected.keys).isSubset(of: scenarioIDs), "\(mutant.name): unknown scenarios")
            #expect(mutant.expected.values.contains(.fail), "\(mutant.name) expects no failure")
        }
    }
}
