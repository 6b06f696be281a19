import Testing
@testable import ConformanceKit

@Suite struct WireTraceTests {
    @Test func keepsEntriesInOrderAndFiltersBySession() {
        let trace = WireTrace()
        trace.append(session: "alice#1", .sent, "40")
        trace.append(session: "bob#1", .received, "40{}")
        trace.append(session: "alice#1", .note, "closed")
        #expect(trace.entries.map(\.text) == ["40", "40{}", "closed"])
        #expect(trace.entries(sessions: ["alice#1"]).map(\.direction) == [.sent, .note])
        #expect(trace.droppedCount == 0)
    }

    @Test func keepsTheLastEntriesWithinTheLimit() {
        let trace = WireTrace(limit: 3)
        for index in 1...5 { trace.append(session: "s", .sent, "\(index)") }
        #expect(trace.entries.map(\.text) == ["3", "4", "5"])
        #expect(trace.droppedCount == 2)
    }

    @Test func directionsHaveSymbols() {
        #expect(WireTraceEntry.Direction.sent.symbol == "→")
        #expect(WireTraceEntry.Direction.received.symbol == "←")
    }
}
