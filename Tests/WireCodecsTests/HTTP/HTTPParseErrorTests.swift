import Testing

@testable import WireCodecs

@Suite struct HTTPParseErrorTests {
    @Test(
        arguments: [
            (HTTPParseError.invalidRequestLine, 400), (.targetTooLong, 414), (.unsupportedVersion, 505),
            (.headTooLarge, 431), (.tooManyHeaders, 431), (.trailersTooLarge, 431), (.bodyTooLarge, 413),
            (.unsupportedTransferEncoding, 501), (.invalidHeader(name: "X"), 400), (.conflictingContentLengths, 400),
        ] as [(HTTPParseError, Int)])
    func mapsToTheStatusToAnswer(error: HTTPParseError, status: Int) {
        #expect(error.status == status)
        #expect(!error.reason.isEmpty)
        #expect(error.description == "\(status) \(error.reason)")
    }

    @Test func caseNamesDropAssociatedValues() {
        #expect(HTTPParseError.invalidHeader(name: "X-A").caseName == "invalidHeader")
        #expect(HTTPParseError.whitespaceBeforeColon(name: "Host").caseName == "whitespaceBeforeColon")
        #expect(HTTPParseError.obsoleteLineFolding.caseName == "obsoleteLineFolding")
    }

    @Test func headerErrorsNameTheField() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\nX-Bad: a\u{1}b\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.invalidHeader(name: "X-Bad")) { try parser.nextRequest() }
        var spaced = HTTPRequestParser()
        spaced.append(Array("GET / HTTP/1.1\r\nHost : a\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.whitespaceBeforeColon(name: "Host")) { try spaced.nextRequest() }
    }
}
