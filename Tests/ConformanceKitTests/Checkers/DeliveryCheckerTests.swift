import Testing
@testable import ConformanceKit

/// Every classification is produced by a synthetic history that has it, and not by the clean one.
@Suite struct DeliveryCheckerTests {
    /// alice sends m1 then m2 to bob, each after the previous 201; bob#1 joined before.
    static func ok(_ nonce: String, _ sender: String = "alice", _ receiver: String = "bob", invoked: Int, accepted: Int, op: Int) -> SentMessage {
        SentMessage(nonce: nonce, sender: sender, receiver: receiver, outcome: .ok, invokedAt: .ms(invoked), acceptedAt: .ms(accepted), operation: OperationID(op))
    }

    static func history(_ conversations: [String: [String]], at time: Int, op: Int) -> SessionObservation {
        SessionObservation(.allMessages(conversations), time: .ms(time), operation: OperationID(op))
    }

    static func live(_ nonce: String, at time: Int, op: Int) -> SessionObservation {
        SessionObservation(.newMessage(nonce: nonce), time: .ms(time), operation: OperationID(op))
    }

    static let sent = [ok("m1", invoked: 10, accepted: 12, op: 1), ok("m2", invoked: 20, accepted: 22, op: 2)]

    static func bob(_ observations: [SessionObservation], label: String = "bob#1", joinedAt: Int = 0, closedAt: Int? = nil) -> ObservedSession {
        ObservedSession(label: label, user: "bob", joinedAt: .ms(joinedAt), joinOperation: OperationID(100), closedAt: closedAt.map { .ms($0) }, observations: observations)
    }

    static let cleanBob = bob([history([:], at: 5, op: 10), live("m1", at: 14, op: 11), live("m2", at: 24, op: 12)])

    func kinds(_ report: DeliveryReport) -> Set<DeliveryFinding.Kind> { Set(report.violations.map(\.kind)) }

    @Test func cleanHistoryHasNoViolation() {
        let report = DeliveryChecker(lateBound: .seconds(1)).check(sent: Self.sent, sessions: [Self.cleanBob])
        #expect(report.isClean, "\(report.violations)")
        #expect(report.findings(.delivered).map(\.nonce) == ["m1", "m2"])
        #expect(report.counts[.delivered] == 2)
    }

    @Test func cleanHistoryWithManySessionsAndAHistoryHasNoViolation() {
        let bob2 = Self.bob([Self.history([:], at: 6, op: 20), Self.live("m1", at: 15, op: 21), Self.live("m2", at: 25, op: 22)], label: "bob#2")
        let bob3 = Self.bob([Self.history(["alice": ["m1", "m2"]], at: 40, op: 30)], label: "bob#3", joinedAt: 30)
        let alice = ObservedSession(label: "alice#1", user: "alice", joinedAt: .ms(35), observations: [Self.history(["bob": ["m1", "m2"]], at: 41, op: 40)])
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [Self.cleanBob, bob2, bob3, alice])
        #expect(report.isClean, "\(report.violations)")
        #expect(report.findings(.delivered).count == 6)
    }

    @Test func lostMessageIsNamedWithItsPost() {
        let session = Self.bob([Self.history([:], at: 5, op: 10), Self.live("m1", at: 14, op: 11)])
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [session])
        #expect(kinds(report) == [.lost])
        let lost = report.findings(.lost)
        #expect(lost.map(\.nonce) == ["m2"])
        #expect(lost.first?.witnesses.contains(OperationID(2)) == true)
        #expect(lost.first?.session == "bob#1")
    }

    @Test func duplicateNewMessageIsReported() {
        let session = Self.bob([Self.history([:], at: 5, op: 10), Self.live("m1", at: 14, op: 11), Self.live("m1", at: 15, op: 13), Self.live("m2", at: 24, op: 12)])
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [session])
        #expect(kinds(report) == [.duplicated])
        #expect(report.findings(.duplicated).first?.witnesses == [OperationID(1), OperationID(11), OperationID(13)])
    }

    @Test func messageInHistoryAndLiveIsDuplicated() {
        let session = Self.bob([Self.history(["alice": ["m1"]], at: 15, op: 10), Self.live("m1", at: 16, op: 11), Self.live("m2", at: 24, op: 12)], joinedAt: 11)
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [session])
        #expect(kinds(report) == [.duplicated])
        #expect(report.findings(.duplicated).first?.detail.contains("all_messages + new_message") == true)
    }

    @Test func sequentialMessagesSwappedAreReordered() {
        let session = Self.bob([Self.history([:], at: 5, op: 10), Self.live("m2", at: 24, op: 12), Self.live("m1", at: 25, op: 11)])
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [session])
        #expect(kinds(report) == [.reordered])
        let finding = report.findings(.reordered).first
        #expect(finding?.nonce == "m2")
        #expect(finding?.witnesses.contains(OperationID(1)) == true)
        #expect(finding?.witnesses.contains(OperationID(2)) == true)
    }

    @Test func concurrentMessagesMayArriveInEitherOrder() {
        let concurrent = [Self.ok("m1", invoked: 10, accepted: 30, op: 1), Self.ok("m2", invoked: 20, accepted: 22, op: 2)]
        let session = Self.bob([Self.history([:], at: 5, op: 10), Self.live("m2", at: 24, op: 12), Self.live("m1", at: 31, op: 11)])
        #expect(DeliveryChecker().check(sent: concurrent, sessions: [session]).isClean)
    }

    @Test func differentSendersAreNotOrderedAgainstEachOther() {
        let sent = [Self.ok("m1", invoked: 10, accepted: 12, op: 1), Self.ok("m2", "carol", invoked: 20, accepted: 22, op: 2)]
        let session = Self.bob([Self.history([:], at: 5, op: 10), Self.live("m2", at: 24, op: 12), Self.live("m1", at: 25, op: 11)])
        #expect(DeliveryChecker().check(sent: sent, sessions: [session]).isClean)
    }

    @Test func reorderInTheJoinHistoryIsReported() {
        let session = Self.bob([Self.history(["alice": ["m2", "m1"]], at: 40, op: 10)], joinedAt: 30)
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [session])
        #expect(kinds(report) == [.reordered])
    }

    @Test func reorderInALaterHistoryIsReported() {
        let session = Self.bob([
            Self.history([:], at: 5, op: 10), Self.live("m1", at: 14, op: 11), Self.live("m2", at: 24, op: 12),
            Self.history(["alice": ["m2", "m1"]], at: 50, op: 13),
        ])
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [session])
        #expect(kinds(report).contains(.reordered))
        #expect(report.findings(.reordered).first?.detail.contains("later all_messages") == true)
    }

    @Test func newMessageToAnotherUserIsLeaked() {
        let carol = ObservedSession(label: "carol#1", user: "carol", joinedAt: .ms(0), observations: [Self.history([:], at: 5, op: 20), Self.live("m1", at: 14, op: 21)])
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [Self.cleanBob, carol])
        #expect(kinds(report) == [.leaked])
        #expect(report.findings(.leaked).first?.session == "carol#1")
        #expect(report.findings(.leaked).first?.witnesses == [OperationID(1), OperationID(21)])
    }

    @Test func senderGettingItsOwnMessageLiveIsLeaked() {
        let alice = ObservedSession(label: "alice#1", user: "alice", joinedAt: .ms(0), observations: [Self.history([:], at: 5, op: 20), Self.live("m2", at: 23, op: 21)])
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [Self.cleanBob, alice])
        #expect(kinds(report) == [.leaked])
    }

    @Test func messageToSelfIsDeliveredToSelf() {
        let sent = [Self.ok("m1", "alice", "alice", invoked: 10, accepted: 12, op: 1)]
        let alice = ObservedSession(label: "alice#1", user: "alice", joinedAt: .ms(0), observations: [Self.history([:], at: 5, op: 20), Self.live("m1", at: 13, op: 21)])
        let report = DeliveryChecker().check(sent: sent, sessions: [alice])
        #expect(report.isClean)
        #expect(report.findings(.delivered).count == 1)
    }

    @Test func historyOfAThirdUserWithTheMessageIsLeaked() {
        let carol = ObservedSession(label: "carol#1", user: "carol", joinedAt: .ms(30), observations: [Self.history(["alice": ["m1"]], at: 40, op: 20)])
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [Self.cleanBob, carol])
        #expect(kinds(report) == [.leaked])
    }

    @Test func unjoinedSessionReceivingAnythingIsLeaked() {
        let stranger = ObservedSession(label: "anon#1", user: nil, observations: [Self.live("m1", at: 14, op: 20)])
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [Self.cleanBob, stranger])
        #expect(kinds(report) == [.leaked])
        #expect(report.findings(.leaked).first?.detail.contains("never joined") == true)
    }

    @Test func slowNewMessageIsLate() {
        let session = Self.bob([Self.history([:], at: 5, op: 10), Self.live("m1", at: 1_500, op: 11), Self.live("m2", at: 1_501, op: 12)])
        let sent = [Self.ok("m1", invoked: 10, accepted: 12, op: 1), Self.ok("m2", invoked: 20, accepted: 1_400, op: 2)]
        let report = DeliveryChecker(lateBound: .seconds(1)).check(sent: sent, sessions: [session])
        #expect(kinds(report) == [.late])
        #expect(report.findings(.late).map(\.nonce) == ["m1"])
        #expect(DeliveryChecker().check(sent: sent, sessions: [session]).isClean, "no bound, no lateness")
    }

    @Test func unansweredPostIsIndeterminateNotLost() {
        var sent = Self.sent
        sent.append(SentMessage(nonce: "m3", sender: "alice", receiver: "bob", outcome: .info, invokedAt: .ms(30), operation: OperationID(3)))
        let report = DeliveryChecker().check(sent: sent, sessions: [Self.cleanBob])
        #expect(report.isClean)
        #expect(report.findings(.indeterminate).map(\.nonce) == ["m3"])
        #expect(report.findings(.lost).isEmpty)
        let delivered = Self.bob([Self.history([:], at: 5, op: 10), Self.live("m1", at: 14, op: 11), Self.live("m2", at: 24, op: 12), Self.live("m3", at: 40, op: 13)])
        let second = DeliveryChecker().check(sent: sent, sessions: [delivered])
        #expect(second.isClean)
        #expect(second.findings(.indeterminate).isEmpty)
    }

    @Test func refusedOrUnknownMessageAppearingIsPhantom() {
        var sent = Self.sent
        sent.append(SentMessage(nonce: "bad", sender: "alice", receiver: "bob", outcome: .fail, invokedAt: .ms(30), operation: OperationID(3)))
        #expect(DeliveryChecker().check(sent: sent, sessions: [Self.cleanBob]).isClean)
        var observations = Self.cleanBob.observations
        observations.append(Self.live("bad", at: 40, op: 13))
        observations.append(Self.live("ghost", at: 41, op: 14))
        let report = DeliveryChecker().check(sent: sent, sessions: [Self.bob(observations)])
        #expect(kinds(report) == [.phantom])
        #expect(report.findings(.phantom).map(\.nonce) == ["bad", "ghost"])
    }

    @Test func acceptedBeforeJoinButOnlyLiveIsMissingFromHistory() {
        let session = Self.bob([Self.history([:], at: 31, op: 10), Self.live("m1", at: 32, op: 11), Self.live("m2", at: 33, op: 12)], joinedAt: 30)
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [session])
        #expect(kinds(report) == [.missingFromHistory])
        #expect(report.findings(.missingFromHistory).map(\.nonce) == ["m1", "m2"])
    }

    @Test func newMessageBeforeHistoryPrecededIt() {
        let session = Self.bob([Self.live("m2", at: 24, op: 12), Self.history(["alice": ["m1"]], at: 25, op: 10)], joinedAt: 15)
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [session])
        #expect(kinds(report) == [.precededHistory])
    }

    @Test func eventsAfterCloseAreReportedAndLaterMessagesNotExpected() {
        let closedEarly = Self.bob([Self.history([:], at: 5, op: 10), Self.live("m1", at: 14, op: 11)], closedAt: 15)
        #expect(DeliveryChecker().check(sent: Self.sent, sessions: [closedEarly]).isClean, "m2 was accepted after the close")
        let chatty = Self.bob([Self.history([:], at: 5, op: 10), Self.live("m1", at: 14, op: 11), Self.live("m2", at: 24, op: 12)], closedAt: 15)
        let report = DeliveryChecker().check(sent: Self.sent, sessions: [chatty])
        #expect(kinds(report) == [.afterClose])
        #expect(report.findings(.afterClose).first?.witnesses == [OperationID(12)])
    }

    @Test func sessionsOfOneReceiverDisagreeingOnOrderIsReported() {
        let sent = [Self.ok("m1", invoked: 10, accepted: 30, op: 1), Self.ok("m2", "carol", invoked: 10, accepted: 30, op: 2)]
        let first = Self.bob([Self.history([:], at: 5, op: 10), Self.live("m1", at: 24, op: 11), Self.live("m2", at: 25, op: 12)])
        let same = Self.bob([Self.history([:], at: 5, op: 20), Self.live("m1", at: 24, op: 21), Self.live("m2", at: 25, op: 22)], label: "bob#2")
        let swapped = Self.bob([Self.history([:], at: 5, op: 20), Self.live("m2", at: 24, op: 22), Self.live("m1", at: 25, op: 21)], label: "bob#2")
        #expect(DeliveryChecker().check(sent: sent, sessions: [first, same]).isClean)
        let report = DeliveryChecker().check(sent: sent, sessions: [first, swapped])
        #expect(kinds(report) == [.crossSessionOrder])
        #expect(report.findings(.crossSessionOrder).first?.detail == "bob#1 saw m1 where bob#2 saw m2")
    }

    @Test func newMessageOrderDisagreeingWithLaterHistoryIsReported() {
        let sent = [Self.ok("m1", invoked: 10, accepted: 30, op: 1), Self.ok("m2", invoked: 10, accepted: 30, op: 2)]
        let live = Self.bob([Self.history([:], at: 5, op: 10), Self.live("m1", at: 24, op: 11), Self.live("m2", at: 25, op: 12)])
        let agreeing = Self.bob([Self.history(["alice": ["m1", "m2"]], at: 50, op: 20)], label: "bob#2", joinedAt: 40)
        let disagreeing = Self.bob([Self.history(["alice": ["m2", "m1"]], at: 50, op: 20)], label: "bob#2", joinedAt: 40)
        #expect(DeliveryChecker().check(sent: sent, sessions: [live, agreeing]).isClean)
        let report = DeliveryChecker().check(sent: sent, sessions: [live, disagreeing])
        #expect(kinds(report) == [.historyDisagreement])
        #expect(report.findings(.historyDisagreement).first?.witnesses.contains(OperationID(20)) == true)
    }

    @Test func everyKindMapsToRequirementsInTheCatalog() {
        for kind in DeliveryFinding.Kind.allCases {
            #expect(kind.requirements.allSatisfy { RequirementCatalog.requirement($0) != nil }, "\(kind)")
            #expect(kind.isViolation == !kind.requirements.isEmpty)
        }
    }
}
