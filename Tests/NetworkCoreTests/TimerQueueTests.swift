import Testing
@testable import NetworkCore

@Suite struct TimerQueueTests {
    let start = ContinuousClock.now

    @Test func popsInDeadlineOrderThenSchedulingOrder() {
        var queue = TimerQueue<String>()
        _ = queue.schedule(at: start.advanced(by: .milliseconds(30)), "c")
        _ = queue.schedule(at: start.advanced(by: .milliseconds(10)), "a1")
        _ = queue.schedule(at: start.advanced(by: .milliseconds(20)), "b")
        _ = queue.schedule(at: start.advanced(by: .milliseconds(10)), "a2")
        var fired: [String] = []
        while let (_, action) = queue.popDue(now: start.advanced(by: .seconds(1))) { fired.append(action) }
        #expect(fired == ["a1", "a2", "b", "c"])
        #expect(queue.isEmpty)
    }

    @Test func onlyDueTimersPop() {
        var queue = TimerQueue<Int>()
        _ = queue.schedule(at: start.advanced(by: .milliseconds(5)), 1)
        _ = queue.schedule(at: start.advanced(by: .milliseconds(50)), 2)
        let early = queue.popDue(now: start)?.action
        let due = queue.popDue(now: start.advanced(by: .milliseconds(5)))?.action
        let notYet = queue.popDue(now: start.advanced(by: .milliseconds(49)))?.action
        let next = queue.nextDeadline()
        #expect(early == nil)
        #expect(due == 1)
        #expect(notYet == nil)
        #expect(next == start.advanced(by: .milliseconds(50)))
    }

    @Test func cancelledTimersNeverPop() {
        var queue = TimerQueue<Int>()
        let first = queue.schedule(at: start, 1)
        let second = queue.schedule(at: start.advanced(by: .milliseconds(1)), 2)
        _ = queue.schedule(at: start.advanced(by: .milliseconds(2)), 3)
        let isFirstCancelled = queue.cancel(first)
        let isFirstCancelledTwice = queue.cancel(first)
        let isSecondCancelled = queue.cancel(second)
        #expect(isFirstCancelled)
        #expect(!isFirstCancelledTwice)
        #expect(isSecondCancelled)
        #expect(queue.count == 1)
        let next = queue.nextDeadline()
        #expect(next == start.advanced(by: .milliseconds(2)))
        let remaining = queue.popDue(now: start.advanced(by: .seconds(1)))?.action
        let afterwards = queue.popDue(now: start.advanced(by: .seconds(1)))?.action
        #expect(remaining == 3)
        #expect(afterwards == nil)
    }

    @Test func manyCancellationsKeepOrder() {
        var queue = TimerQueue<Int>()
        var ids: [TimerID] = []
        for value in 0..<1000 {
            ids.append(queue.schedule(at: start.advanced(by: .microseconds((value * 7919) % 1000)), value))
        }
        for (value, id) in ids.enumerated() where value % 3 != 0 {
            queue.cancel(id)
        }
        var fired: [Int] = []
        while let (_, action) = queue.popDue(now: start.advanced(by: .seconds(1))) { fired.append(action) }
        let expected = (0..<1000).filter { $0 % 3 == 0 }.sorted { ($0 * 7919) % 1000 < ($1 * 7919) % 1000 }
        #expect(fired == expected)
    }

    @Test func firedTimerCannotBeCancelled() {
        var queue = TimerQueue<Int>()
        let id = queue.schedule(at: start, 1)
        let popped = queue.popDue(now: start)?.id
        let isCancelled = queue.cancel(id)
        #expect(popped == id)
        #expect(!isCancelled)
    }
}
