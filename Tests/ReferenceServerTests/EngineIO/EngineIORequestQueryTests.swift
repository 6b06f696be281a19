import Testing
@testable import ReferenceServer

@Suite struct EngineIORequestQueryTests {
    @Test func splitsPathAndParameters() {
        let query = EngineIORequestQuery(target: "/socket.io/?EIO=4&transport=polling&t=abc#frag")
        #expect(query.path == "/socket.io/")
        #expect(query.value(for: "EIO") == "4")
        #expect(query.value(for: "transport") == "polling")
        #expect(query.value(for: "t") == "abc")
        #expect(query.value(for: "sid") == nil)
    }

    @Test func noQuery() {
        let query = EngineIORequestQuery(target: "/socket.io/")
        #expect(query.path == "/socket.io/")
        #expect(query.parameters.isEmpty)
    }

    @Test func decodesLikeNodeQuerystring() {
        let query = EngineIORequestQuery(target: "/?a=x+y&b=%41%zz%4&c&d=%C3%A9&e=1=2")
        #expect(query.value(for: "a") == "x y")
        #expect(query.value(for: "b") == "A%zz%4")
        #expect(query.value(for: "c") == "")
        #expect(query.value(for: "d") == "é")
        #expect(query.value(for: "e") == "1=2")
    }

    @Test func repeatedKeysHaveNoSingleValue() {
        let query = EngineIORequestQuery(target: "/?sid=a&sid=b")
        #expect(query.parameters["sid"] == ["a", "b"])
        #expect(query.value(for: "sid") == nil)
        #expect(query.contains("sid"))
    }
}
