import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ConformanceKit

@Suite struct HTMLPageTests {
    @Test func escapeMakesMarkupInert() {
        #expect(HTMLPage.escape("<a href=\"x\" title='y'>&amp;</a>") == "&lt;a href=&quot;x&quot; title=&apos;y&apos;&gt;&amp;amp;&lt;/a&gt;")
        #expect(HTMLPage.escape("line\nbreak\u{0}") == "line&#10;break\\u{0}")
    }

    @Test func theDocumentIsSelfContainedAndWellFormed() throws {
        let page = HTMLPage.document(title: "t <x>", style: "p { color: red; }", body: "<main><p>hello</p></main>", script: "if (1 < 2 && 3 > 2) {}")
        let document = try XMLDocument(xmlString: page)
        #expect(try document.nodes(forXPath: "//title").first?.stringValue == "t <x>")
        let policy = try document.nodes(forXPath: "//meta[@http-equiv='Content-Security-Policy']/@content").first?.stringValue
        #expect(policy?.hasPrefix("default-src 'none'") == true, "the browser loads nothing from outside")
        #expect(try document.nodes(forXPath: "//script").first?.stringValue?.contains("if (1 < 2 && 3 > 2) {}") == true)
        #expect(!page.contains("src="))
    }
}
