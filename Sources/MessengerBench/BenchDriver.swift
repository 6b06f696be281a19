import ConformanceKit
import NetworkCore
import WireCodecs

/// The loop-confined state of one bench workload: its sessions, its POST connections, what is sent
/// and when, and the correctness ledger. Every method runs on the bench's loop thread; `BenchEngine`
/// is its thread-safe face.
final class BenchDriver {
    /// How messages are sent.
    enum SendMode {
        case idle
        /// Every connection keeps `pipelineDepth` requests in flight until `deadline` (or `remaining` runs out).
        case closedLoop(deadline: UInt64, remaining: Int?)
        /// Messages are due at `start + k / rate` until `count` have been sent; waiting ones queue.
        case openLoop(start: UInt64, rate: Double, count: Int)
        /// Each user's first session keeps `pipelineDepth` `send_message` acks outstanding until `deadline`.
        case socketClosedLoop(deadline: UInt64)
    }

    /// The deployment's entry points (one, or the `--node`s) and which one each session and POST
    /// connection uses.
    let endpoints: [BenchEndpoint]
    let spread: BenchNodeSpread
    let content: BenchContent
    let pipelineDepth: Int
    let userCount: Int
    let sessionsPerUser: Int
    private var generator: SeededGenerator

    private(set) var ledger: BenchLedger
    private(set) var sessions: [BenchSocketSession] = []
    private(set) var posts: [BenchPostConnection] = []
    /// Sessions still to open (index, user, slot), and how many may connect at once.
    private var sessionsToOpen: [(user: Int, slot: Int)] = []
    private var sessionsToOpenStart = 0
    private var connectConcurrency = 1
    private var sessionsConnecting = 0

    private(set) var mode = SendMode.idle
    /// Open loop: messages not yet handed to a connection, oldest first.
    private var backlog: [Int] = []
    private var backlogStart = 0
    private var openLoopSent = 0
    /// Intended send times (open loop) or send times (closed loop), by sequence.
    private var sendTimes: [UInt64] = []
    private var tickTimer: TimerID?

    // Figures.
    private(set) var joinedCount = 0
    private(set) var readyPostCount = 0
    private(set) var failedSessions = 0
    private(set) var failedPostConnections = 0
    private(set) var errorResponses = 0
    private(set) var errorEvents = 0
    private(set) var unattributed = 0
    private(set) var failureReasons: [String] = []
    private(set) var deliveryLatency = BenchHistogram()
    private(set) var answerLatency = BenchHistogram()
    private(set) var joinLatency = BenchHistogram()
    /// Accepted messages and first deliveries per second since sending started.
    private(set) var throughput = BenchThroughput()
    private(set) var allMessagesTexts: [String] = []
    private(set) var firstJoinAt: UInt64 = 0
    private(set) var lastJoinAt: UInt64 = 0
    private(set) var answered = 0
    private(set) var deliveries = 0
    private(set) var sendingStartedAt: UInt64 = 0
    private(set) var sendingStoppedAt: UInt64 = 0
    private(set) var lastDeliveryAt: UInt64 = 0
    /// The node each message entered at (POST connection's or sending session's), by sequence.
    private var entryNodes: [UInt8] = []
    /// First deliveries on a session of another node than the message's entry node.
    private(set) var crossNodeDeliveries = 0

    init(
        endpoints: [BenchEndpoint], spread: BenchNodeSpread, content: BenchContent, users: Int, sessionsPerUser: Int, pipelineDepth: Int,
        seed: UInt64
    ) {
        self.endpoints = endpoints
        self.spread = spread
        self.content = content
        self.userCount = users
        self.sessionsPerUser = sessionsPerUser
        self.pipelineDepth = max(1, pipelineDepth)
        self.generator = SeededGenerator(seed: seed)
        self.ledger = BenchLedger(userCount: users, sessionsPerUser: sessionsPerUser)
    }

    // MARK: Sessions

    /// Opens `sessionsPerUser` sessions for each of `users` (user-major), `concurrency` connecting at once.
    func openSessions(users: Range<Int>, concurrency: Int, context: LoopContext, keepsAllMessagesText: Bool = false) {
        for user in users {
            for slot in 0..<sessionsPerUser { sessionsToOpen.append((user, slot)) }
        }
        connectConcurrency = max(1, concurrency)
        loopContext = context
        self.keepsAllMessagesText = keepsAllMessagesText
        openMoreSessions(context: context)
    }

    private var keepsAllMessagesText = false
    /// The loop's context (the driver lives on that loop; kept to open sessions from callbacks).
    private var loopContext: LoopContext?

    private func openMoreSessions(context: LoopContext) {
        while sessionsConnecting < connectConcurrency, sessionsToOpenStart < sessionsToOpen.count {
            let (user, slot) = sessionsToOpen[sessionsToOpenStart]
            sessionsToOpenStart += 1
            let node = spread.node(user: user, slot: slot) % endpoints.count
            let session = BenchSocketSession(
                index: sessions.count, user: user, slot: slot, node: node, endpoint: endpoints[node], driver: self, seed: generator.next())
            session.keepsAllMessagesText = keepsAllMessagesText
            sessions.append(session)
            sessionsConnecting += 1
            session.start(context: context)
        }
    }

    var sessionsPending: Int { sessionsToOpen.count - sessionsToOpenStart + sessionsConnecting }

    func sessionIsReady(_ session: BenchSocketSession) {
        session.join()
    }

    func sessionDidJoin(_ session: BenchSocketSession, arrival: UInt64, text: String?) {
        joinedCount += 1
        joinLatency.record(arrival &- session.joinSentAt)
        if firstJoinAt == 0 { firstJoinAt = arrival }
        lastJoinAt = arrival
        if let text { allMessagesTexts.append(text) }
        sessionLeftConnecting(session)
    }

    func sessionDidFail(_ session: BenchSocketSession, reason: String) {
        failedSessions += 1
        note("session \(session.index) (user \(session.user)): \(reason)")
        if !session.hasJoined { sessionLeftConnecting(session) }
    }

    /// A session joined for the first time or failed before: another may start connecting.
    private func sessionLeftConnecting(_ session: BenchSocketSession) {
        guard !session.hasLeftConnecting else { return }
        session.hasLeftConnecting = true
        sessionsConnecting -= 1
        if let context = loopContext { openMoreSessions(context: context) }
    }

    func sessionDidReceiveError(_ session: BenchSocketSession, text: String) {
        errorEvents += 1
        note("session \(session.index): error event \(text.prefix(160))")
    }

    func sessionDidReceiveMessage(_ session: BenchSocketSession, bytes: UnsafeRawBufferPointer, arrival: UInt64) {
        deliveries += 1
        lastDeliveryAt = arrival
        guard let sequence = content.sequence(inEventBytes: bytes) else {
            unattributed += 1
            ledger.recordUnknownDelivery()
            if unattributed <= 3 { note("unattributable new_message: \(String(decoding: bytes.prefix(160), as: UTF8.self))") }
            return
        }
        let verdict = ledger.recordDelivery(sequence, user: session.user, slot: session.slot)
        switch verdict {
        case .first:
            throughput.recordDelivered(at: arrival, start: sendingStartedAt)
            if sequence < entryNodes.count, Int(entryNodes[sequence]) != session.node { crossNodeDeliveries += 1 }
            if sequence < sendTimes.count { deliveryLatency.record(arrival &- sendTimes[sequence]) }
        case .duplicate:
            note("message \(sequence) delivered twice to session \(session.index)")
        case .misdelivered:
            note("message \(sequence) for user \(ledger.receiver(of: sequence) ?? -1) delivered to session \(session.index) of user \(session.user)")
        case .unknown:
            note("message \(sequence) was never sent (session \(session.index))")
        }
    }

    func sessionDidReceiveAck(_ session: BenchSocketSession, sequence: Int, isAccepted: Bool, arrival: UInt64) {
        answered += 1
        ledger.recordAnswer(sequence, isAccepted: isAccepted)
        if isAccepted { throughput.recordAccepted(at: arrival, start: sendingStartedAt) }
        if !isAccepted {
            errorResponses += 1
            note("send_message \(sequence) refused")
        }
        if sequence < sendTimes.count { answerLatency.record(arrival &- sendTimes[sequence]) }
        guard case .socketClosedLoop(let deadline) = mode, arrival < deadline else { return }
        sendSocketMessage(from: session, now: arrival)
    }

    // MARK: POST connections

    func openPostConnections(_ count: Int, context: LoopContext) {
        loopContext = context
        for _ in 0..<count {
            let node = spread.node(postConnection: posts.count) % endpoints.count
            let post = BenchPostConnection(index: posts.count, node: node, endpoint: endpoints[node], driver: self)
            posts.append(post)
            post.start(context: context)
        }
    }

    func postConnectionIsReady(_ post: BenchPostConnection) {
        readyPostCount += 1
        fill(post, now: BenchClock.nanoseconds())
    }

    func postConnectionDidFail(_ post: BenchPostConnection, reason: String, unanswered: Int) {
        failedPostConnections += 1
        note("POST connection \(post.index): \(reason) (\(unanswered) unanswered)")
    }

    func postDidAnswer(_ post: BenchPostConnection, sequence: Int, status: Int, arrival: UInt64) {
        answered += 1
        let isAccepted = status == 201
        ledger.recordAnswer(sequence, isAccepted: isAccepted)
        if isAccepted { throughput.recordAccepted(at: arrival, start: sendingStartedAt) }
        if !isAccepted {
            errorResponses += 1
            if errorResponses <= 3 { note("POST \(sequence) answered \(status)") }
        }
        if sequence < sendTimes.count { answerLatency.record(arrival &- sendTimes[sequence]) }
        fill(post, now: arrival)
    }

    // MARK: Sending

    /// Starts sending in `mode` (sessions and connections should be ready).
    func startSending(_ mode: SendMode, context: LoopContext) {
        self.mode = mode
        sendingStartedAt = BenchClock.nanoseconds()
        switch mode {
        case .idle:
            return
        case .closedLoop:
            for post in posts { fill(post, now: sendingStartedAt) }
        case .openLoop:
            scheduleTick(context: context)
        case .socketClosedLoop:
            for session in sessions where session.slot == 0 && session.phase == .joined {
                for _ in 0..<pipelineDepth { sendSocketMessage(from: session, now: sendingStartedAt) }
            }
        }
    }

    /// Whether sending has finished (deadline passed or count reached) and nothing is in flight.
    var isSendingFinished: Bool {
        let now = BenchClock.nanoseconds()
        switch mode {
        case .idle: return true
        case .closedLoop(let deadline, let remaining):
            let isDone = now >= deadline || remaining == 0
            return isDone && posts.allSatisfy { $0.inFlightCount == 0 || !$0.isUsable }
        case .openLoop(_, _, let count):
            return openLoopSent >= count && backlogStart >= backlog.count && posts.allSatisfy { $0.inFlightCount == 0 || !$0.isUsable }
        case .socketClosedLoop(let deadline):
            return now >= deadline && sessions.allSatisfy { $0.pendingAckCount == 0 || $0.phase == .closed }
        }
    }

    /// Marks the end of sending (for rates), once `isSendingFinished`.
    func markSendingStopped() {
        if sendingStoppedAt == 0 { sendingStoppedAt = BenchClock.nanoseconds() }
        if let tickTimer { loopContext?.cancelTimer(tickTimer) }
        tickTimer = nil
        mode = .idle
    }

    private func fill(_ post: BenchPostConnection, now: UInt64) {
        guard post.isUsable else { return }
        switch mode {
        case .closedLoop(let deadline, var remaining):
            guard now < deadline else { return }
            while post.inFlightCount < pipelineDepth, remaining.map({ $0 > 0 }) ?? true {
                let receiver = Int(generator.next() % UInt64(max(1, userCount)))
                let sequence = ledger.recordSend(receiver: receiver)
                recordSendTime(sequence, now)
                recordEntryNode(sequence, post.node)
                post.send(sequence: sequence, receiver: receiver)
                remaining = remaining.map { $0 - 1 }
            }
            mode = .closedLoop(deadline: deadline, remaining: remaining)
        case .openLoop:
            while post.inFlightCount < pipelineDepth, backlogStart < backlog.count {
                let sequence = backlog[backlogStart]
                backlogStart += 1
                recordEntryNode(sequence, post.node)
                post.send(sequence: sequence, receiver: ledger.receiver(of: sequence) ?? 0)
            }
        case .idle, .socketClosedLoop:
            break
        }
    }

    private func recordSendTime(_ sequence: Int, _ time: UInt64) {
        if sendTimes.count == sequence { sendTimes.append(time) }
    }

    /// Records the node message `sequence` enters at (sequences are handed out in order; the open
    /// loop hands them to connections in that order too).
    private func recordEntryNode(_ sequence: Int, _ node: Int) {
        while entryNodes.count <= sequence { entryNodes.append(0) }
        entryNodes[sequence] = UInt8(truncatingIfNeeded: node)
    }

    private func sendSocketMessage(from session: BenchSocketSession, now: UInt64) {
        guard session.phase == .joined else { return }
        let receiver = Int(generator.next() % UInt64(max(1, userCount)))
        let sequence = ledger.recordSend(receiver: receiver)
        recordSendTime(sequence, now)
        recordEntryNode(sequence, session.node)
        session.sendMessage(sequence: sequence, receiver: receiver)
    }

    private func scheduleTick(context: LoopContext) {
        tickTimer = context.scheduleTimer(after: .microseconds(500)) { [weak self] context in
            self?.tick(context: context)
        }
    }

    /// Open loop: queues every message due by now at its intended time, hands the queue to free connections.
    private func tick(context: LoopContext) {
        guard case .openLoop(let start, let rate, let count) = mode else { return }
        let now = BenchClock.nanoseconds()
        let elapsed = now > start ? Double(now - start) / 1e9 : -1
        let due = elapsed < 0 ? 0 : min(count, Int(elapsed * rate) + 1)
        while openLoopSent < due {
            let receiver = Int(generator.next() % UInt64(max(1, userCount)))
            let sequence = ledger.recordSend(receiver: receiver)
            recordSendTime(sequence, start &+ UInt64(Double(openLoopSent) / rate * 1e9))
            backlog.append(sequence)
            openLoopSent += 1
        }
        if backlogStart > 4096, backlogStart * 2 > backlog.count {
            backlog.removeFirst(backlogStart)
            backlogStart = 0
        }
        for post in posts where backlogStart < backlog.count { fill(post, now: now) }
        if openLoopSent < count { scheduleTick(context: context) }
    }

    // MARK: Ending

    func closeAll() {
        if let tickTimer { loopContext?.cancelTimer(tickTimer) }
        tickTimer = nil
        mode = .idle
        for session in sessions { session.closeQuietly() }
        for post in posts { post.close() }
    }

    private func note(_ reason: String) {
        if failureReasons.count < 20 { failureReasons.append(reason) }
    }
}
