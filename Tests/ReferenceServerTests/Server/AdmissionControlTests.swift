import NetworkCore
import ReferenceServer
import Testing

@Suite struct AdmissionControlTests {
    @Test(arguments: [("127.0.0.1:5000", "127.0.0.1"), ("[::1]:443", "::1"), ("10.0.0.7", "10.0.0.7")])
    func ipOfRemoteAddress(address: String, ip: String) {
        #expect(AdmissionControl.ip(ofRemoteAddress: address) == ip)
    }

    @Test func capsConnectionsPerIPAndCountsCloses() {
        var control = AdmissionControl(limits: OperatingLimits(maxConnectionsPerIP: 2))
        #expect(control.connectionOpened(ConnectionID(rawValue: 1), ip: "a") == true)
        #expect(control.connectionOpened(ConnectionID(rawValue: 2), ip: "a") == true)
        #expect(control.connectionOpened(ConnectionID(rawValue: 3), ip: "a") == false)
        #expect(control.connectionOpened(ConnectionID(rawValue: 4), ip: "b") == true)
        control.connectionClosed(ConnectionID(rawValue: 3))  // refused, never counted
        #expect(control.connections(from: "a") == 2)
        control.connectionClosed(ConnectionID(rawValue: 1))
        #expect(control.connectionOpened(ConnectionID(rawValue: 5), ip: "a") == true)
    }

    @Test func postsPerConnectionAndPerIPAreTokenBuckets() {
        var control = AdmissionControl(limits: OperatingLimits(postsPerSecondPerConnection: 3, postsPerSecondPerIP: 5))
        let now = ContinuousClock.now
        let first = ConnectionID(rawValue: 1), second = ConnectionID(rawValue: 2)
        for _ in 0..<3 { #expect(control.admitPost(connection: first, ip: "a", now: now) == .admit) }
        #expect(control.admitPost(connection: first, ip: "a", now: now) == .refuse(retryAfterSeconds: 1))
        // The IP's bucket holds 5: the other connection gets the 2 left.
        #expect(control.admitPost(connection: second, ip: "a", now: now) == .admit)
        #expect(control.admitPost(connection: second, ip: "a", now: now) == .admit)
        #expect(control.admitPost(connection: second, ip: "a", now: now) == .refuse(retryAfterSeconds: 1))
        // Another IP is not affected; a second later the buckets have refilled.
        #expect(control.admitPost(connection: ConnectionID(rawValue: 3), ip: "b", now: now) == .admit)
        #expect(control.admitPost(connection: first, ip: "a", now: now + .seconds(1)) == .admit)
    }

    @Test func eventsPerSession() {
        var control = AdmissionControl(limits: OperatingLimits(eventsPerSecondPerSession: 2))
        let now = ContinuousClock.now
        #expect(control.admitEvent(sid: "s", ip: "a", now: now) == .admit)
        #expect(control.admitEvent(sid: "s", ip: "a", now: now) == .admit)
        #expect(control.admitEvent(sid: "s", ip: "a", now: now) == .refuse(retryAfterSeconds: 1))
        #expect(control.admitEvent(sid: "t", ip: "a", now: now) == .admit)
        #expect(control.admitEvent(sid: "s", ip: "a", now: now + .milliseconds(500)) == .admit)
    }

    @Test func zeroMeansNoLimit() {
        var control = AdmissionControl(limits: OperatingLimits(maxConnectionsPerIP: 0, postsPerSecondPerConnection: 0, postsPerSecondPerIP: 0))
        let now = ContinuousClock.now
        for index in 0..<10_000 {
            #expect(control.admitPost(connection: ConnectionID(rawValue: 1), ip: "a", now: now) == .admit)
            #expect(control.connectionOpened(ConnectionID(rawValue: UInt64(index)), ip: "a") == true)
        }
    }
}

@Suite struct TokenBucketTests {
    @Test func refillsAtItsRateUpToItsBurst() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(rate: 10, burst: 2, now: start)
        #expect(bucket.take(now: start) == nil)
        #expect(bucket.take(now: start) == nil)
        #expect(bucket.take(now: start) == 1)
        #expect(bucket.take(now: start + .milliseconds(100)) == nil)
        #expect(bucket.take(now: start + .milliseconds(100)) == 1)
        #expect(bucket.isFull(now: start + .seconds(10)) == true)
        var slow = TokenBucket(rate: 0.1, burst: 1, now: start)
        #expect(slow.take(now: start) == nil)
        #expect(slow.take(now: start) == 10)
    }
}
