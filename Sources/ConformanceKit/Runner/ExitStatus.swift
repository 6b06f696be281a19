/// The process exit status of a `conform` run.
///
/// - 0 `success`: every required check passed.
/// - 1 `failure`: a required check failed, or a scenario listed as `fail` in the expectations passed.
/// - 2 `inconclusive`: some required scenario could not be decided, and none failed.
/// - 64 `usage`: bad command line or expectations file.
///
/// Required: MUST-level and optional (conditional-MUST, reached only when the server offers the
/// feature) scenarios always; SHOULD-level ones only with `--strict`. `unsupported` fails the run only
/// with `--strict` and only for MUST/SHOULD scenarios (an absent MAY feature is never a failure, Spec
/// §10). Expected and flaky failures never fail the run; a flaky scenario's inconclusive verdict does
/// not make the run inconclusive. Skipped scenarios do not count (their cause is reported).
public enum ExitStatus: Int32, Sendable, Equatable, Codable {
    case success = 0
    case failure = 1
    case inconclusive = 2
    case usage = 64

    /// The exit status of a run with these results.
    public static func of(_ results: [ScenarioResult], isStrict: Bool) -> ExitStatus {
        var isUndecided = false
        for result in results {
            switch result.effect(isStrict: isStrict) {
            case .failsRun: return .failure
            case .leavesRunUndecided: isUndecided = true
            case .none: break
            }
        }
        return isUndecided ? .inconclusive : .success
    }
}
