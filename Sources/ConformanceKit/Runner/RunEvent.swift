/// Progress of a run, delivered to the runner's observer one at a time in order (never concurrently),
/// so the CLI can print live progress.
public enum RunEvent: Sendable {
    /// The run begins with this many selected scenarios.
    case runStarted(RunMetadata, scenarioCount: Int)
    case scenarioStarted(ScenarioInfo)
    /// `completed` counts finished scenarios so far (this one included), out of `total`.
    case scenarioFinished(ScenarioResult, completed: Int, total: Int)
    case runFinished(RunReport)
}
