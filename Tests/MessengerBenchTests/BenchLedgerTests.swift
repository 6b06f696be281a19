import Testing
@testable import ConformanceKit
@testable import MessengerBench

@Suite struct BenchLedgerTests {
    @Test func everyAcceptedMessageDeliveredOnceToEverySessionIsCorrect() {
        var ledger = BenchLedger(userCount: 2, sessionsPerUser: 2)
        let first = ledger.recordSend(receiver: 0)
        let second = ledger.recordSend(receiver: 1)
        ledger.recordAnswer(first, isAccepted: true)
        ledger.recordAnswer(second, isAccepted: true)
        for slot in 0..<2 {
            #expect(ledger.recordDelivery(first, user: 0, slot: slot) == .first)
            #expect(ledger.recordDelivery(second, user: 1, slot: slot) == .first)
        }
        #expect(ledger.isComplete)
        let tally = ledger.tally()
        #expect(tally.isCorrect)
        #expect(tally.sent == 2)
        #expect(tally.accepted == 2)
        #expect(tally.expectedDeliveries == 4)
        #expect(tally.delivered == 4)
        #expect(tally.lost == 0)
    }

    @Test func aMissingDeliveryIsLost() {
        var ledger = BenchLedger(userCount: 1, sessionsPerUser: 2)
        let sequence = ledger.recordSend(receiver: 0)
        ledger.recordAnswer(sequence, isAccepted: true)
        ledger.recordDelivery(sequence, user: 0, slot: 1)
        #expect(!ledger.isComplete)
        let tally = ledger.tally()
        #expect(tally.lost == 1)
        #expect(tally.delivered == 1)
        #expect(!tally.isCorrect)
    }

    @Test func aSecondDeliveryOnOneSessionIsDuplicated() {
        var ledger = BenchLedger(userCount: 1, sessionsPerUser: 1)
        let sequence = ledger.recordSend(receiver: 0)
        ledger.recordAnswer(sequence, isAccepted: true)
        #expect(ledger.recordDelivery(sequence, user: 0, slot: 0) == .first)
        #expect(ledger.recordDelivery(sequence, user: 0, slot: 0) == .duplicate)
        let tally = ledger.tally()
        #expect(tally.duplicated == 1)
        #expect(tally.lost == 0)
        #expect(!tally.isCorrect)
    }

    @Test func aDeliveryToAnotherUsersSessionIsMisdelivered() {
        var ledger = BenchLedger(userCount: 3, sessionsPerUser: 1)
        let sequence = ledger.recordSend(receiver: 2)
        ledger.recordAnswer(sequence, isAccepted: true)
        #expect(ledger.recordDelivery(sequence, user: 1, slot: 0) == .misdelivered)
        #expect(ledger.recordDelivery(sequence, user: 2, slot: 0) == .first)
        let tally = ledger.tally()
        #expect(tally.misdelivered == 1)
        #expect(tally.lost == 0)
        #expect(!tally.isCorrect)
    }

    @Test func unknownSequencesAndSlotsAreUnattributable() {
        var ledger = BenchLedger(userCount: 1, sessionsPerUser: 1)
        #expect(ledger.recordDelivery(7, user: 0, slot: 0) == .unknown)
        let sequence = ledger.recordSend(receiver: 0)
        #expect(ledger.recordDelivery(sequence, user: 0, slot: 5) == .unknown)
        ledger.recordUnknownDelivery()
        #expect(ledger.tally().unknown == 3)
        #expect(!ledger.tally().isCorrect)
    }

    @Test func aRefusedMessageMustNotBeDeliveredAndIsNotExpected() {
        var ledger = BenchLedger(userCount: 1, sessionsPerUser: 1)
        let refused = ledger.recordSend(receiver: 0)
        ledger.recordAnswer(refused, isAccepted: false)
        var tally = ledger.tally()
        #expect(tally.rejected == 1)
        #expect(tally.expectedDeliveries == 0)
        #expect(tally.isCorrect)
        ledger.recordDelivery(refused, user: 0, slot: 0)
        tally = ledger.tally()
        #expect(tally.deliveredRejected == 1)
        #expect(!tally.isCorrect)
    }

    @Test func unansweredMessagesAreIndeterminateNotLost() {
        var ledger = BenchLedger(userCount: 1, sessionsPerUser: 1)
        let delivered = ledger.recordSend(receiver: 0)
        _ = ledger.recordSend(receiver: 0)
        ledger.recordDelivery(delivered, user: 0, slot: 0)
        let tally = ledger.tally()
        #expect(tally.unanswered == 2)
        #expect(tally.lost == 0)
        #expect(tally.delivered == 1)
        #expect(tally.expectedDeliveries == 0)
    }

    @Test func onlyTheFirstAnswerCounts() {
        var ledger = BenchLedger(userCount: 1, sessionsPerUser: 1)
        let sequence = ledger.recordSend(receiver: 0)
        ledger.recordAnswer(sequence, isAccepted: true)
        ledger.recordAnswer(sequence, isAccepted: false)
        #expect(ledger.answer(sequence) == .accepted)
        ledger.recordAnswer(99, isAccepted: true)
        #expect(ledger.answer(99) == BenchLedger.Answer.none)
    }

    @Test func talliesAddUp() {
        var total = BenchLedger.Tally()
        var round = BenchLedger.Tally()
        round.sent = 3
        round.accepted = 2
        round.rejected = 1
        round.expectedDeliveries = 4
        round.delivered = 3
        round.lost = 1
        total.add(round)
        total.add(round)
        #expect(total.sent == 6 && total.accepted == 4 && total.rejected == 2 && total.expectedDeliveries == 8)
        #expect(total.delivered == 6 && total.lost == 2 && !total.isCorrect)
    }
}
