/// The Heartbeat scenarios (Spec §1, §9).
public enum HeartbeatScenarios {
    public static let all: [Scenario] = []
}
