/// The Robustness scenarios (Spec §1, §9).
public enum RobustnessScenarios {
    public static let all: [Scenario] = []
}
