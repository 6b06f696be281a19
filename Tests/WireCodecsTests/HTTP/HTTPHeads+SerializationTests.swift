import Testing

@testable import WireCodecs

@Suite struct HTTPHeadsSerializationTests {
    @Test func serializesRequestHead() {
        let head = HTTPRequestHead(method: "GET", target: "/socket.io/?EIO=4", headers: ["Host": "a", "Accept": "*/*"])
        #expect(head.serialized() == Array("GET /socket.io/?EIO=4 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n".utf8))
    }

    @Test func serializesResponseHead() {
        let head = HTTPResponseHead(status: 404, version: .http1_0, headers: ["Connection": "close"])
        #expect(head.serialized() == Array("HTTP/1.0 404 Not Found\r\nConnection: close\r\n\r\n".utf8))
    }

    @Test func responseGetsContentLength() {
        let response = HTTPResponse(
            head: HTTPResponseHead(status: 200, headers: ["Content-Type": "text/plain"]), body: Array("hi".utf8))
        #expect(
            response.serialized()
                == Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi".utf8))
        let empty = HTTPResponse(head: HTTPResponseHead(status: 200))
        #expect(empty.serialized() == Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8))
    }

    @Test func existingContentLengthIsKept() {
        let response = HTTPResponse(
            head: HTTPResponseHead(status: 200, headers: ["content-length": "2"]), body: Array("hi".utf8))
        #expect(response.serialized() == Array("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi".utf8))
    }

    @Test(arguments: [101, 204, 304])
    func bodilessStatusesGetNoContentLength(status: Int) {
        let response = HTTPResponse(head: HTTPResponseHead(status: status))
        let text = String(decoding: response.serialized(), as: UTF8.self)
        #expect(!text.lowercased().contains("content-length"))
    }

    @Test func chunkedResponseBodyIsEncoded() {
        let response = HTTPResponse(
            head: HTTPResponseHead(status: 200, headers: ["Transfer-Encoding": "chunked"]),
            body: Array("hello world, again".utf8))
        #expect(
            response.serialized()
                == Array(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n12\r\nhello world, again\r\n0\r\n\r\n".utf8))
    }

    @Test func requestGetsContentLengthOnlyWithABody() {
        let get = HTTPRequest(head: HTTPRequestHead(method: "GET", target: "/", headers: ["Host": "a"]))
        #expect(get.serialized() == Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        let post = HTTPRequest(
            head: HTTPRequestHead(method: "POST", target: "/messages", headers: ["Host": "a"]), body: Array("{}".utf8))
        #expect(post.serialized() == Array("POST /messages HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}".utf8))
    }

    @Test func lineBreaksInValuesCannotSplitTheMessage() {
        let head = HTTPResponseHead(status: 200, reason: "OK\r\nX: y", headers: ["X-Echo": "a\r\nSet-Cookie: evil"])
        #expect(head.serialized() == Array("HTTP/1.1 200 OK  X: y\r\nX-Echo: a  Set-Cookie: evil\r\n\r\n".utf8))
    }

    @Test(
        arguments: HTTPVectorFile.requestVectors.filter {
            $0.expectedOutcomes.allSatisfy { if case .request = $0 { true } else { false } }
        })
    func requestVectorsRoundTrip(vector: HTTPVector) throws {
        var parser = HTTPRequestParser(limits: vector.wireLimits)
        parser.append(Array(vector.raw.utf8))
        while let request = try parser.nextRequest() {
            var again = HTTPRequestParser(limits: vector.wireLimits)
            again.append(request.serialized())
            #expect(try again.nextRequest() == request)
            #expect(again.bufferedByteCount == 0)
        }
    }

    @Test(
        arguments: HTTPVectorFile.responseVectors.filter {
            $0.eof != true && $0.requestMethods == nil
                && $0.expectedOutcomes.allSatisfy {
                    if case .response(_, let status, _, _, _) = $0 { status != 101 } else { false }
                }
        })
    func responseVectorsRoundTrip(vector: HTTPVector) throws {
        var parser = HTTPResponseParser(limits: vector.wireLimits)
        parser.append(Array(vector.raw.utf8))
        while let response = try parser.nextResponse() {
            var again = HTTPResponseParser(limits: vector.wireLimits)
            again.append(response.serialized())
            #expect(try again.nextResponse() == response)
            #expect(again.bufferedByteCount == 0)
        }
    }
}
