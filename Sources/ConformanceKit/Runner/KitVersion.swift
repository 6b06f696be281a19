/// The version of the conformance kit, as reports state it beside the Spec version.
public enum KitVersion {
    public static let current = "1.0.0"
}
