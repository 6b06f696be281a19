/// How `ConformanceRunner` runs: which scenarios, how many at once, seed, timeouts, strictness,
/// capabilities and expectations.
public struct RunnerOptions: Sendable {
    /// Default per-scenario overall timeout before scaling by `timeoutFactor`.
    public static let defaultScenarioTimeout: Duration = .seconds(60)

    /// Run only scenarios matching one of these terms (all when empty); see `ScenarioFilter`.
    public var filters: [String]
    /// Never run scenarios matching one of these terms.
    public var excludes: [String]
    /// Most non-exclusive scenarios running at once (at least 1).
    public var concurrency: Int
    /// The run seed; each scenario's randomness derives from it and the scenario ID.
    public var seed: UInt64
    /// The token that makes names unique to this run; nil draws a fresh one (8 base-36 characters).
    public var runToken: String?
    /// Multiplies every kit timeout (`--timeout-factor`), the scenario timeout included.
    public var timeoutFactor: Double
    /// A scenario still running after `scenarioTimeout × timeoutFactor` is inconclusive.
    public var scenarioTimeout: Duration
    /// SHOULD-level failures and MUST/SHOULD `unsupported` fail the run (`--strict`).
    public var isStrict: Bool
    public var capabilities: Set<Capability>
    public var expectations: ExpectationSet
    /// Most wire trace entries kept per scenario.
    public var wireTraceLimit: Int
    /// Tokens for a server that requires authentication; nil: the kit sends none.
    public var authentication: KitAuthentication?
    /// An origin on the server's allow-list (Spec ORIGIN-1); nil: the server has none, as far as the kit knows.
    public var allowedOrigin: String?

    public init(
        filters: [String] = [], excludes: [String] = [], concurrency: Int = 4, seed: UInt64 = 0, runToken: String? = nil,
        timeoutFactor: Double = 1, scenarioTimeout: Duration = RunnerOptions.defaultScenarioTimeout, isStrict: Bool = false,
        capabilities: Set<Capability> = [], expectations: ExpectationSet = ExpectationSet(),
        wireTraceLimit: Int = WireTrace.defaultLimit, authentication: KitAuthentication? = nil, allowedOrigin: String? = nil
    ) {
        self.filters = filters
        self.excludes = excludes
        self.concurrency = concurrency
        self.seed = seed
        self.runToken = runToken
        self.timeoutFactor = timeoutFactor
        self.scenarioTimeout = scenarioTimeout
        self.isStrict = isStrict
        self.capabilities = capabilities
        self.expectations = expectations
        self.wireTraceLimit = wireTraceLimit
        self.authentication = authentication
        self.allowedOrigin = allowedOrigin
        if authentication != nil { self.capabilities.insert(.authentication) }
        if allowedOrigin != nil { self.capabilities.insert(.originAllowList) }
    }

    /// The scenario timeout after scaling.
    public var effectiveScenarioTimeout: Duration {
        scenarioTimeout * (timeoutFactor.isFinite && timeoutFactor > 0 ? timeoutFactor : 1)
    }
}
