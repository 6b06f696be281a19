/// What the delivery checker found: one finding per classification, violations first in reports.
public struct DeliveryReport: Sendable, Equatable {
    public var findings: [DeliveryFinding]

    public init(findings: [DeliveryFinding]) { self.findings = findings }

    /// Findings that break the Spec.
    public var violations: [DeliveryFinding] { findings.filter(\.kind.isViolation) }

    public var isClean: Bool { violations.isEmpty }

    public func findings(_ kind: DeliveryFinding.Kind) -> [DeliveryFinding] { findings.filter { $0.kind == kind } }

    /// How many findings of each kind.
    public var counts: [DeliveryFinding.Kind: Int] { findings.reduce(into: [:]) { $0[$1.kind, default: 0] += 1 } }
}
