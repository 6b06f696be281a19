import Testing

@testable import WireCodecs

@Suite struct HTTPResponseParserTests {
    @Test(arguments: HTTPVectorFile.responseVectors)
    func parsesVectorWholeAndByteByByteAlike(vector: HTTPVector) {
        let expected = vector.expectedOutcomes
        for chunkSize in [0, 1, 3] {
            let (outcomes, unparsed) = HTTPVectorRunner.runResponses(vector, chunkSize: chunkSize)
            #expect(outcomes == expected, "chunk size \(chunkSize)")
            if let expectedUnparsed = vector.unparsed {
                #expect(unparsed == Array(expectedUnparsed.utf8), "chunk size \(chunkSize)")
            } else if case .error = expected.last {
            } else {
                #expect(unparsed.isEmpty, "chunk size \(chunkSize)")
            }
        }
    }

    @Test func everyResponseErrorIsWitnessedByAVector() throws {
        let file = try HTTPVectorFile.loaded.get()
        let witnessed = Set(
            file.responses.flatMap(\.expectedOutcomes).compactMap { outcome -> String? in
                if case .error(let name, _) = outcome { name } else { nil }
            })
        let responseErrors: [HTTPParseError] = [
            .invalidStatusLine, .unsupportedVersion, .contentLengthWithTransferEncoding, .unexpectedEndOfStream,
            .bodyTooLarge,
        ]
        for error in responseErrors { #expect(witnessed.contains(error.caseName), "no vector for \(error.caseName)") }
    }

    @Test func switchingProtocolsStopsHTTPParsing() throws {
        var parser = HTTPResponseParser()
        parser.append(
            Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n".utf8))
        let response = try #require(try parser.nextResponse())
        #expect(response.head.status == 101)
        #expect(parser.hasSwitchedProtocols)
        parser.append(Array("HTTP/1.1 200 OK\r\n\r\n".utf8))
        #expect(try parser.nextResponse() == nil, "bytes after a 101 are not HTTP")
        #expect(parser.takeUnparsedBytes() == Array("HTTP/1.1 200 OK\r\n\r\n".utf8))
    }

    @Test func connectTunnelEndsHTTPLikeSwitchingProtocols() throws {
        var parser = HTTPResponseParser()
        parser.expectResponse(toMethod: "CONNECT")
        parser.append(Array("HTTP/1.1 200 Connection Established\r\n\r\ntunnel".utf8))
        #expect(try parser.nextResponse()?.head.status == 200)
        #expect(parser.hasSwitchedProtocols)
        #expect(parser.takeUnparsedBytes() == Array("tunnel".utf8))
    }

    @Test func finishWithNothingBufferedReturnsNil() throws {
        var parser = HTTPResponseParser()
        parser.append(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8))
        #expect(try parser.nextResponse()?.body == Array("ok".utf8))
        #expect(try parser.finish() == nil)
    }

    @Test func interimResponseDoesNotConsumeTheExpectedMethod() throws {
        var parser = HTTPResponseParser()
        parser.expectResponse(toMethod: "HEAD")
        parser.append(Array("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n".utf8))
        #expect(try parser.nextResponse()?.head.status == 100)
        let final = try #require(try parser.nextResponse())
        #expect(final.head.status == 200)
        #expect(final.body.isEmpty, "the final answer to HEAD has no body")
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func staysFailedAfterAnError() {
        var parser = HTTPResponseParser()
        parser.append(Array("HTTP/1.1 abc\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.invalidStatusLine) { try parser.nextResponse() }
        #expect(throws: HTTPParseError.invalidStatusLine) { try parser.finish() }
        #expect(parser.isFailed)
    }

    @Test func headerFloodFailsEarlyWith431() {
        var parser = HTTPResponseParser()
        let flood = Array("HTTP/1.1 200 OK\r\nX: ".utf8) + [UInt8](repeating: 0x61, count: 1 << 20)
        var appended = 0
        var thrown: HTTPParseError?
        while appended < flood.count && thrown == nil {
            let end = min(flood.count, appended + 4096)
            parser.append(flood[appended..<end])
            appended = end
            do { _ = try parser.nextResponse() } catch { thrown = error }
        }
        #expect(thrown == .headTooLarge)
        #expect(appended < flood.count)
    }
}
