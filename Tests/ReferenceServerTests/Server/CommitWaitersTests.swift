import Testing
@testable import ReferenceServer

@Suite struct CommitWaitersTests {
    @Test func numbersAreHandedOutInOrderAndAnsweredOnce() {
        var waiters = CommitWaiters<String>()
        #expect(waiters.add("a") == 1)
        #expect(waiters.add("b") == 2)
        #expect(waiters.remove(1) == "a")
        #expect(waiters.remove(1) == nil)
        #expect(waiters.remove(2) == "b")
        #expect(waiters.count == 0)
        #expect(waiters.add("c") == 3)
        #expect(waiters.remove(3) == "c")
    }

    @Test func anAnswerOutOfOrderLeavesTheOlderOnesWaiting() {
        var waiters = CommitWaiters<String>()
        for name in ["a", "b", "c"] { _ = waiters.add(name) }
        #expect(waiters.remove(2) == "b")
        #expect(waiters.count == 2)
        #expect(waiters.remove(2) == nil)
        #expect(waiters.remove(3) == "c")
        #expect(waiters.remove(1) == "a")
        #expect(waiters.count == 0)
    }

    @Test func unknownNumbersAreNil() {
        var waiters = CommitWaiters<Int>()
        #expect(waiters.remove(0) == nil)
        #expect(waiters.remove(1) == nil)
        _ = waiters.add(7)
        #expect(waiters.remove(2) == nil)
        #expect(waiters.remove(1) == 7)
    }

    @Test func manyWaitersWithOneOldHoldoutStayAddressable() {
        var waiters = CommitWaiters<UInt64>()
        for number in 1...5_000 { #expect(waiters.add(UInt64(number)) == UInt64(number)) }
        // Number 1 stays outstanding while 2...5000 are answered: the front cannot move.
        for number in 2...5_000 { #expect(waiters.remove(UInt64(number)) == UInt64(number)) }
        #expect(waiters.count == 1)
        #expect(waiters.remove(1) == 1)
        // Compaction after a long run answered in order keeps later numbers right.
        for number in 5_001...8_000 { _ = waiters.add(UInt64(number)) }
        for number in 5_001...7_999 { #expect(waiters.remove(UInt64(number)) == UInt64(number)) }
        #expect(waiters.remove(8_000) == 8_000)
        #expect(waiters.count == 0)
    }

    @Test func theFrontIsCompactedWhileLaterWaitersStayAddressable() {
        var waiters = CommitWaiters<UInt64>()
        for number in 1...3_000 { _ = waiters.add(UInt64(number)) }
        // 2,000 answered from the front while 1,000 still wait: the answered slots are dropped.
        for number in 1...2_000 { #expect(waiters.remove(UInt64(number)) == UInt64(number)) }
        #expect(waiters.count == 1_000)
        #expect(waiters.add(3_001) == 3_001)
        for number in 2_001...3_001 { #expect(waiters.remove(UInt64(number)) == UInt64(number)) }
        #expect(waiters.count == 0)
    }
}
