/// The Transport scenarios (Spec §1, §9).
public enum TransportScenarios {
    public static let all: [Scenario] = []
}
