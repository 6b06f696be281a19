/// The outcome of one scenario (h2spec / Autobahn style; `inconclusive` is Jepsen's "unknown", not a pass).
public enum Verdict: Sendable, Equatable, Hashable {
    case pass
    case fail
    /// The server lacks the optional feature the scenario checks.
    case unsupported(reason: String)
    /// Not run: a prerequisite did not pass, or the run lacks a capability.
    case skipped(reason: String)
    /// Could not be decided: server unreachable, timeout, unexpected kit error.
    case inconclusive(reason: String)
    /// Failed, as the expectations file said it would.
    case expectedFailure(reason: String)
    /// Passed although the expectations file said it fails: the file is stale, and the run fails.
    case unexpectedPass(reason: String)
    /// Failed, and the expectations file marks it flaky: reported, never fails the run.
    case flakyFailure(reason: String)

    /// Stable machine name used in JSON reports: `pass`, `fail`, `unsupported`, `skipped`,
    /// `inconclusive`, `expectedFailure`, `unexpectedPass`, `flakyFailure`.
    public var name: String {
        switch self {
        case .pass: "pass"
        case .fail: "fail"
        case .unsupported: "unsupported"
        case .skipped: "skipped"
        case .inconclusive: "inconclusive"
        case .expectedFailure: "expectedFailure"
        case .unexpectedPass: "unexpectedPass"
        case .flakyFailure: "flakyFailure"
        }
    }

    /// The label of console progress lines.
    public var label: String {
        switch self {
        case .pass: "PASS"
        case .fail: "FAIL"
        case .unsupported: "UNSUPPORTED"
        case .skipped: "SKIP"
        case .inconclusive: "INCONCLUSIVE"
        case .expectedFailure: "XFAIL"
        case .unexpectedPass: "XPASS"
        case .flakyFailure: "FLAKY"
        }
    }

    public var reason: String? {
        switch self {
        case .pass, .fail: nil
        case .unsupported(let reason), .skipped(let reason), .inconclusive(let reason), .expectedFailure(let reason),
             .unexpectedPass(let reason), .flakyFailure(let reason): reason
        }
    }

    /// Whether the scenario's checks held (dependants may run): `pass` and `unexpectedPass`.
    public var didPass: Bool {
        switch self {
        case .pass, .unexpectedPass: true
        default: false
        }
    }

    /// Whether the server broke a check in this run (`fail`, `expectedFailure`, `flakyFailure`).
    public var didFail: Bool {
        switch self {
        case .fail, .expectedFailure, .flakyFailure: true
        default: false
        }
    }
}
