/// Every scenario of the kit, in Spec order; `conform` runs this list.
///
/// Each group is an enum with a static `all` in its own file(s) under Catalog/ (e.g.
/// `TransportScenarios.all`); add a group here to include it.
public enum ScenarioCatalog {
    public static var all: [Scenario] {
        TransportScenarios.all
            + HeartbeatScenarios.all
            + NamespaceScenarios.all
            + HTTPScenarios.all
            + CORSScenarios.all
            + SendScenarios.all
            + JoinScenarios.all
            + DeliveryScenarios.all
            + ExactlyOnceScenarios.all
            + OrderingScenarios.all
            + DurabilityScenarios.all
            + DisconnectScenarios.all
            + RobustnessScenarios.all
            + AdvisoryScenarios.all
            + ExtensionScenarios.all
            + AuthenticationScenarios.all
            + OriginScenarios.all
            + ClusterScenarios.all
    }
}
