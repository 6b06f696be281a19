import Testing
import WireCodecs
@testable import ConformanceKit

@Suite struct AllMessagesTests {
    @Test func parsesConversationsInObjectOrder() throws {
        let value = try JSONParser.parse(#"{"bob":[{"sender":"bob","content":"hi","timestamp":"2026-01-01T00:00:00Z","id":3}],"al":[]}"#)
        let history = AllMessages(raw: value, time: .zero, operation: OperationID(1))
        #expect(history.shapeError == nil)
        #expect(history.parties == ["bob", "al"])
        #expect(history.messages(with: "bob").map(\.content) == ["hi"])
        #expect(AllMessages.nonceMap(value) == ["bob": ["hi"], "al": []])
    }

    @Test(arguments: [#"[]"#, #"{"bob":{}}"#, #"{"bob":[1]}"#, #"{"bob":[{"sender":"b","content":"c"}]}"#, #"{"bob":[{"sender":"b","content":1,"timestamp":"t"}]}"#])
    func refusesWrongShapes(_ text: String) throws {
        let history = AllMessages(raw: try JSONParser.parse(text), time: .zero, operation: OperationID(1))
        #expect(history.shapeError != nil)
        #expect(history.conversations.isEmpty)
    }
}
