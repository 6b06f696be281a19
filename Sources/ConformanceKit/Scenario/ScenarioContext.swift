import Synchronization

/// Everything one run of one scenario gets: deterministic randomness, unique names, scaled timeouts,
/// the operation history, the wire log and the target.
///
/// Determinism: the random generator is seeded with `SeededGenerator.derive(seed: runSeed, stream:
/// scenarioID)`, so a scenario draws the same numbers under the same `--seed` whatever else runs.
/// Names (`uniqueUser`, `nonce`) are `<hint>-<runToken>-<scenarioTag>-<counter>`: the run token (random
/// per run unless fixed in `RunnerOptions`) keeps them apart from data a server already holds from
/// earlier runs (even runs with the same seed), the scenario tag (base-36 hash of the scenario ID)
/// keeps scenarios of one run apart, and the counter keeps calls apart. Same seed + same run token +
/// same call sequence gives the same names.
///
/// It is the `KitRecorder` of the sessions a scenario opens; `ScenarioContext+Client` drives the
/// client and turns its `KitClientError`s into findings.
public final class ScenarioContext: KitRecorder {
    /// Longest user name `uniqueUser` returns: Spec SEND-2 guarantees names of up to 64 characters.
    public static let maximumUserLength = 64

    public let scenarioID: String
    public let seed: UInt64
    public let runToken: String
    public let timeoutFactor: Double
    public let capabilities: Set<Capability>
    public let target: any ServerTarget
    public let clock: KitClock
    public let history: History
    public let wireTrace: WireTrace
    /// Base-36 tag of the scenario ID used in names (7 characters).
    public let scenarioTag: String
    /// Tokens for a server that requires authentication (Spec AUTH-1); nil: none are sent.
    public let authentication: KitAuthentication?
    /// An origin on the server's allow-list (Spec ORIGIN-1), if the run names one.
    public let allowedOrigin: String?

    private struct State {
        var generator: SeededGenerator
        var userCounter = 0
        var nonceCounter = 0
        var labelCounters: [String: Int] = [:]
        var teardowns: [@Sendable () async -> Void] = []
        var sentMessages: [SentMessage] = []
        var entryPointCounter: UInt64 = 0
        var heartbeatPeriod: Duration?
    }

    private let state: Mutex<State>

    public init(
        scenarioID: String,
        seed: UInt64,
        runToken: String,
        timeoutFactor: Double = 1,
        capabilities: Set<Capability> = [],
        target: any ServerTarget,
        clock: KitClock = KitClock(),
        wireTraceLimit: Int = WireTrace.defaultLimit,
        authentication: KitAuthentication? = nil,
        allowedOrigin: String? = nil
    ) {
        self.scenarioID = scenarioID
        self.seed = seed
        self.runToken = String(Self.nameSafe(runToken).prefix(12))
        self.timeoutFactor = timeoutFactor.isFinite && timeoutFactor > 0 ? timeoutFactor : 1
        self.capabilities = capabilities
        self.target = target
        self.clock = clock
        self.history = History(clock: clock)
        self.wireTrace = WireTrace(clock: clock, limit: wireTraceLimit)
        self.authentication = authentication
        self.allowedOrigin = allowedOrigin
        self.scenarioTag = Self.base36(SeededGenerator.fnv1a64(scenarioID) % 78_364_164_096, width: 7)  // 36^7
        self.state = Mutex(State(generator: SeededGenerator(seed: seed, stream: scenarioID)))
    }

    /// Records a message this scenario sent (the client records every POST when it is invoked and
    /// again with its outcome; a record with the same operation replaces the earlier one), so the
    /// delivery checker knows every message in play, sentinels included.
    public func recordSent(_ message: SentMessage) {
        state.withLock { state in
            if let operation = message.operation, let index = state.sentMessages.lastIndex(where: { $0.operation == operation }) {
                state.sentMessages[index] = message
            } else {
                state.sentMessages.append(message)
            }
        }
    }

    /// The entry point a new session or request uses: the target's only one, or with several
    /// (`conform --node`) one drawn from a stream of its own (seeded: the scenario's other draws are
    /// unchanged), noted in the wire trace under `label`.
    public func entryPoint(for label: String) -> String {
        let entryPoints = target.entryPoints
        if let pinned = Self.pinnedEntryPoint {
            wireTrace.append(session: label, .note, "entry point \(pinned) (chosen by the scenario)")
            return pinned
        }
        guard entryPoints.count > 1 else { return target.baseURL }
        let draw = state.withLock { state -> UInt64 in
            state.entryPointCounter += 1
            return SeededGenerator.derive(seed: seed, stream: "\(scenarioID)/entry-point/\(state.entryPointCounter)")
        }
        let entryPoint = entryPoints[Int(draw % UInt64(entryPoints.count))]
        wireTrace.append(session: label, .note, "entry point \(entryPoint)")
        return entryPoint
    }

    /// The entry point sessions and requests opened inside `on(_:_:)` use; a task-local, so the tasks a
    /// body starts inherit it.
    @TaskLocal static var pinnedEntryPoint: String?

    /// Runs `body` with every session and request it opens sent to `entryPoint` (the CLUSTER scenarios
    /// choose the node of each session and POST instead of drawing it).
    public func on<Value>(_ entryPoint: String, _ body: () async throws -> Value) async rethrows -> Value {
        try await Self.$pinnedEntryPoint.withValue(entryPoint) { try await body() }
    }

    /// Every message this scenario sent so far, in invocation order.
    public var sentMessages: [SentMessage] { state.withLock { $0.sentMessages } }

    /// The longest pingInterval + pingTimeout a session of this scenario was told in its open packet
    /// (nil before the first handshake): the server's own clock, which the scenario's waits and its
    /// overall timeout follow.
    public var heartbeatPeriod: Duration? { state.withLock { $0.heartbeatPeriod } }

    /// Records the heartbeat a session was told (`pingInterval` and `pingTimeout` in milliseconds).
    public func noteHeartbeat(pingInterval: Int, pingTimeout: Int) {
        let period = Duration.milliseconds(max(0, pingInterval) + max(0, pingTimeout))
        state.withLock { state in state.heartbeatPeriod = max(state.heartbeatPeriod ?? .zero, period) }
    }

    /// How long the kit waits for something the server's heartbeat clock must bring about by the end of
    /// one cycle: `period` (pingInterval + pingTimeout, the server's time) plus the kit's own grace of
    /// 2 s scaled by the timeout factor. Past it the server's clock has run out: a verdict, not a doubt
    /// (docs/timeouts.md).
    public func serverCycleLimit(_ period: Duration) -> Duration { period + timeout(Self.cycleGrace) }

    /// The kit's own grace past a server cycle, before scaling.
    public static let cycleGrace: Duration = .seconds(2)

    /// The scaled form of a kit timeout: `base × timeoutFactor` (`--timeout-factor`).
    public func timeout(_ base: Duration) -> Duration { clientSettings.timeout(base) }

    /// What the client's sessions take from this run: the timeout factor and the tokens.
    public var clientSettings: KitClientSettings { KitClientSettings(timeoutFactor: timeoutFactor, authentication: authentication) }

    /// A user name no other call of this run returns and no earlier run used: at most 64 ASCII
    /// characters, `hint` (letters, digits, `-`, `_` kept; shortened if needed) first.
    public func uniqueUser(_ hint: String = "user") -> String {
        let counter = state.withLock { state in
            state.userCounter += 1
            return state.userCounter
        }
        let suffix = "-\(runToken)-\(scenarioTag)-\(Self.base36(UInt64(counter), width: 1))"
        let room = max(0, Self.maximumUserLength - suffix.count)
        var stem = String(Self.nameSafe(hint).prefix(room))
        if stem.isEmpty { stem = String("u".prefix(room)) }
        return stem + suffix
    }

    /// A string no other call of this run returns and no earlier run used; scenarios put it in message
    /// content to recognise each message wherever it appears.
    public func nonce() -> String {
        let counter = state.withLock { state in
            state.nonceCounter += 1
            return state.nonceCounter
        }
        return "nonce-\(runToken)-\(scenarioTag)-\(Self.base36(UInt64(counter), width: 1))"
    }

    /// A label for a session or connection, numbered per prefix: `alice#1`, `alice#2`, `http#1`.
    /// History processes and wire trace entries use it so reports can tell sessions apart.
    public func label(_ prefix: String) -> String {
        let number = state.withLock { state in
            state.labelCounters[prefix, default: 0] += 1
            return state.labelCounters[prefix, default: 0]
        }
        return "\(prefix)#\(number)"
    }

    /// Registers clean-up (closing sessions) that the runner runs after the body ends, however it ends,
    /// latest first, within `timeout(.seconds(5))`.
    public func addTeardown(_ action: @escaping @Sendable () async -> Void) {
        state.withLock { $0.teardowns.append(action) }
    }

    /// Runs and forgets the registered clean-up actions, latest first.
    func runTeardowns() async {
        let actions = state.withLock { state in
            defer { state.teardowns.removeAll() }
            return state.teardowns
        }
        for action in actions.reversed() { await action() }
    }

    /// Runs `body` with the scenario's generator (serialised; the draws advance the shared stream).
    public func withRandom<Result>(_ body: (inout SeededGenerator) -> Result) -> Result {
        state.withLock { body(&$0.generator) }
    }

    /// A uniformly drawn integer of `range` from the scenario's generator.
    public func randomInt(in range: ClosedRange<Int>) -> Int { withRandom { Int.random(in: range, using: &$0) } }

    /// A separate deterministic generator for a named sub-stream (one per concurrent task keeps
    /// the draws independent of how the tasks interleave).
    public func generator(stream: String) -> SeededGenerator {
        SeededGenerator(seed: SeededGenerator.derive(seed: seed, stream: scenarioID), stream: stream)
    }

    /// Whether the run can do this to the server.
    public func has(_ capability: Capability) -> Bool { capabilities.contains(capability) }

    static func base36(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 36)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func nameSafe(_ text: String) -> String {
        String(text.unicodeScalars.filter { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
        }.map(Character.init))
    }
}
