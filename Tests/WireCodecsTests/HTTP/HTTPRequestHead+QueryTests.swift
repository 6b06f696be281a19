import Testing

@testable import WireCodecs

@Suite struct HTTPRequestHeadQueryTests {
    @Test func splitsPathAndQuery() {
        let head = HTTPRequestHead(method: "GET", target: "/socket.io/?EIO=4&transport=polling")
        #expect(head.path == "/socket.io/")
        #expect(head.query == "EIO=4&transport=polling")
        #expect(head.queryValue("EIO") == "4")
        #expect(head.queryValue("transport") == "polling")
        #expect(head.queryValue("sid") == nil)
    }

    @Test func targetWithoutQuery() {
        let head = HTTPRequestHead(method: "GET", target: "/messages")
        #expect(head.path == "/messages")
        #expect(head.query == nil)
        #expect(head.queryItems.isEmpty)
    }

    @Test func decodesFormEncoding() {
        let head = HTTPRequestHead(
            method: "GET", target: "/p?a=1&b=hello+world&c=%E2%82%AC&d&&e=%zz&f=a%3Db&g=%4&%6E%61me=x#frag")
        let items = head.queryItems.map { [$0.name, $0.value] }
        #expect(
            items == [
                ["a", "1"], ["b", "hello world"], ["c", "€"], ["d", ""], ["e", "%zz"], ["f", "a=b"], ["g", "%4"],
                ["name", "x"],
            ])
        #expect(head.path == "/p")
        #expect(head.queryValue("name") == "x")
    }

    @Test func firstOfRepeatedNamesWins() {
        let head = HTTPRequestHead(method: "GET", target: "/?t=1&t=2")
        #expect(head.queryValue("t") == "1")
        #expect(head.queryItems.count == 2)
    }

    @Test func invalidUTF8BecomesReplacementCharacter() {
        let head = HTTPRequestHead(method: "GET", target: "/?n=%FF")
        #expect(head.queryValue("n") == "\u{FFFD}")
    }
}
