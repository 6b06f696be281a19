/// The Namespace scenarios (Spec §1, §9).
public enum NamespaceScenarios {
    public static let all: [Scenario] = []
}
