import Testing
@testable import ConformanceKit

@Suite struct XMLTextTests {
    @Test func escapesMarkupQuotesAndControlCharacters() {
        #expect(XMLText.escape("a<b>&c") == "a&lt;b&gt;&amp;c")
        #expect(XMLText.escape("\"'") == "\"'")
        #expect(XMLText.escape("\"'\n\t", isAttribute: true) == "&quot;&apos;&#10;&#9;")
        #expect(XMLText.escape("x\u{0}y\u{1B}z\u{FFFF}") == "x\\u{0}y\\u{1B}z\\u{FFFF}")
        #expect(XMLText.escape("line\nnext\r") == "line\nnext&#13;")
        #expect(XMLText.escape("ünï😀") == "ünï😀")
    }
}
