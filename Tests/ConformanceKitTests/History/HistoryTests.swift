import Testing
@testable import ConformanceKit

@Suite struct HistoryTests {
    @Test func operationsAreInvokedThenCompleted() {
        let history = History()
        let post = history.invoke(process: "http#1", .post, value: "{\"sender\":\"a\"}", at: .ms(1))
        let join = history.invoke(process: "bob#1", .join, value: "bob", at: .ms(2))
        #expect(post == OperationID(1))
        #expect(join == OperationID(2))
        #expect(history.pending.count == 2)
        #expect(history.complete(post, .ok, result: "201", at: .ms(5)))
        #expect(!history.complete(post, .fail), "a second completion is ignored")
        #expect(history.info(join, result: "timeout"))
        #expect(!history.ok(OperationID(99)))
        let operations = history.operations
        #expect(operations[0].outcome == .ok)
        #expect(operations[0].completedAt == .ms(5))
        #expect(operations[0].result == "201")
        #expect(operations[1].outcome == .info)
        #expect(history.pending.isEmpty)
    }

    @Test func observationsAreInstantaneous() {
        let history = History()
        let id = history.observe(process: "bob#1", .receive(event: "new_message"), value: "{}", at: .ms(9))
        let operation = history.operation(id)
        #expect(operation?.invokedAt == .ms(9))
        #expect(operation?.completedAt == .ms(9))
        #expect(operation?.outcome == .ok)
        #expect(operation?.description == "op#1 bob#1 receive(new_message) {} → ok")
        #expect(history.operation(OperationID(0)) == nil)
    }

    @Test func concurrentRecordingKeepsEveryOperation() async {
        let history = History()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for _ in 0..<50 {
                        let id = history.invoke(process: "p\(task)", .post)
                        history.ok(id)
                    }
                }
            }
        }
        let operations = history.operations
        #expect(operations.count == 400)
        #expect(Set(operations.map(\.id)).count == 400)
        #expect(history.operations([OperationID(3), OperationID(1)]).map(\.id) == [OperationID(1), OperationID(3)])
        #expect(history.pending.isEmpty)
    }
}
