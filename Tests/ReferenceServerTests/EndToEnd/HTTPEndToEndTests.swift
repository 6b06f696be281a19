import Foundation
import ReferenceServer
import Testing
import WireCodecs

/// `POST /messages`, routing, CORS, keep-alive, pipelining and malformed requests over real sockets
/// (Spec SEND-1..5, HTTP-1, HTTP-2, CORS-1, CORS-2, ROBUST-4).
@Suite struct HTTPEndToEndTests {
    @Test func postAnswers201WithIDAndTimestamp() throws {
        try withServer { server in
            let response = try postMessage(port: server.port, sender: "alice", receiver: "bob", content: "hello")
            #expect(response.head.status == 201)
            #expect(response.json?["status"] == .string("success"))
            #expect(response.json?["id"]?.numberValue == 1)
            #expect(response.json?["timestamp"]?.stringValue?.hasSuffix("Z") == true)
            #expect(response.head.headers["Access-Control-Allow-Origin"] == "*")
        }
    }

    @Test(arguments: [
        "not json", "[1,2]", #"{"receiver":"b","content":"c"}"#, #"{"sender":"a","content":"c"}"#,
        #"{"sender":"a","receiver":"b"}"#, #"{"sender":1,"receiver":"b","content":"c"}"#,
        #"{"sender":"a","receiver":"b","content":null}"#, #"{"sender":"","receiver":"b","content":"c"}"#,
        #"{"sender":"a","receiver":"","content":"c"}"#,
    ])
    func badBodiesAre400WithAnError(body: String) throws {
        try withServer { server in
            let client = try TestHTTPClient(port: server.port)
            let response = try client.send("POST", "/messages", body: body)
            #expect(response.head.status == 400)
            #expect(response.json?["error"]?.stringValue != nil)
            // Nothing stored: a later message gets id 1.
            #expect(try postMessage(port: server.port, sender: "a", receiver: "b", content: "c").json?["id"]?.numberValue == 1)
        }
    }

    @Test func oversizedContentIs413AndOversizedBodyIs413ThenClosed() throws {
        try withServer { server in
            let content = String(repeating: "x", count: 65_537)
            let response = try postMessage(port: server.port, sender: "a", receiver: "b", content: content)
            #expect(response.head.status == 413)
            #expect(response.json?["error"]?.stringValue != nil)

            let client = try TestHTTPClient(port: server.port)
            try client.connection.send("POST /messages HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
            let refused = try client.readResponse()
            #expect(refused.head.status == 413)
            #expect(refused.head.headers["Connection"] == "close")
            #expect(client.connection.isClosedByPeer())
        }
    }

    @Test func unknownPathIs404AndOtherMethodsAre405WithAllow() throws {
        try withServer { server in
            let client = try TestHTTPClient(port: server.port)
            #expect(try client.send("GET", "/elsewhere").head.status == 404)
            for method in ["GET", "PUT", "DELETE"] {
                let response = try client.send(method, "/messages")
                #expect(response.head.status == 405)
                #expect(response.head.headers["Allow"] == "POST, OPTIONS")
                #expect(response.json?["error"]?.stringValue != nil)
            }
        }
    }

    @Test func preflightAndOriginAreAllowed() throws {
        try withServer { server in
            let client = try TestHTTPClient(port: server.port)
            let preflight = try client.send("OPTIONS", "/messages", headers: [
                ("Origin", "http://example.test"), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ])
            #expect(preflight.head.status == 204)
            #expect(preflight.head.headers["Access-Control-Allow-Origin"] == "http://example.test")
            #expect(preflight.head.headers["Access-Control-Allow-Methods"]?.contains("POST") == true)
            #expect(preflight.head.headers["Access-Control-Allow-Headers"] == "content-type")
            let post = try client.send("POST", "/messages", headers: [("Origin", "http://example.test")],
                                       body: #"{"sender":"a","receiver":"b","content":"c"}"#)
            #expect(post.head.status == 201)
            #expect(post.head.headers["Access-Control-Allow-Origin"] == "http://example.test")
            #expect(post.head.headers["Vary"] == "Origin")
        }
    }

    @Test func keepAliveAnswersRequestsOneAfterAnother() throws {
        try withServer { server in
            let client = try TestHTTPClient(port: server.port)
            for index in 1...5 {
                let response = try client.send("POST", "/messages", body: #"{"sender":"a","receiver":"b","content":"\#(index)"}"#)
                #expect(response.head.status == 201)
                #expect(response.json?["id"]?.numberValue == Double(index))
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        try withServer { server in
            let client = try TestHTTPClient(port: server.port)
            var bytes: [UInt8] = []
            bytes += TestHTTPClient.request("POST", "/messages", body: #"{"sender":"a","receiver":"b","content":"1"}"#)
            bytes += TestHTTPClient.request("GET", "/nowhere")
            bytes += TestHTTPClient.request("POST", "/messages", body: #"{"sender":"a","receiver":"b","content":"2"}"#)
            bytes += TestHTTPClient.request("POST", "/messages", body: "{}")
            try client.connection.send(bytes)
            let statuses = try (0..<4).map { _ in try client.readResponse() }
            #expect(statuses.map(\.head.status) == [201, 404, 201, 400])
            #expect(statuses[0].json?["id"]?.numberValue == 1)
            #expect(statuses[2].json?["id"]?.numberValue == 2)
        }
    }

    @Test func connectionCloseIsHonoured() throws {
        try withServer { server in
            let client = try TestHTTPClient(port: server.port)
            let response = try client.send("GET", "/nowhere", headers: [("Connection", "close")])
            #expect(response.head.status == 404)
            #expect(response.head.headers["Connection"] == "close")
            #expect(client.connection.isClosedByPeer())
        }
    }

    @Test func malformedRequestGets400AndCloseWhileOthersAreServed() throws {
        try withServer { server in
            let bad = try TestHTTPClient(port: server.port)
            try bad.connection.send("GARBAGE\r\n\r\n")
            let response = try bad.readResponse()
            #expect(response.head.status == 400)
            #expect(bad.connection.isClosedByPeer())
            #expect(try postMessage(port: server.port, sender: "a", receiver: "b", content: "c").head.status == 201)
        }
    }

    @Test func slowHeaderTrickleIsCutOff() throws {
        try withServer({ $0.requestHeadTimeout = 300 }) { server in
            let slow = try RawConnection(port: server.port)
            let start = ContinuousClock.now
            var isClosed = false
            for byte in Array("GET /messages HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaa".utf8) {
                do { try slow.send([byte]) } catch { isClosed = true; break }
                if let bytes = slow.receive(timeout: .milliseconds(100)) {
                    let text = String(decoding: bytes, as: UTF8.self)
                    #expect(bytes.isEmpty || text.hasPrefix("HTTP/1.1 408"))
                    isClosed = true
                    break
                }
            }
            if !isClosed { isClosed = slow.isClosedByPeer() }
            #expect(isClosed)
            #expect(start.duration(to: .now) < .seconds(4))
            #expect(try postMessage(port: server.port, sender: "a", receiver: "b", content: "c").head.status == 201)
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() throws {
        try withServer({ $0.idleTimeout = 200 }) { server in
            let client = try TestHTTPClient(port: server.port)
            #expect(try client.send("GET", "/nowhere").head.status == 404)
            #expect(client.connection.isClosedByPeer(within: .seconds(3)))
        }
    }

    /// Each answer moves the idle deadline: requests spaced under the timeout keep the connection
    /// open well past one timeout (the one idle timer re-arms), and silence then closes it.
    @Test func activityPostponesTheIdleTimeout() throws {
        try withServer({ $0.idleTimeout = 600 }) { server in
            let client = try TestHTTPClient(port: server.port)
            for _ in 0..<6 {
                #expect(try client.send("GET", "/nowhere").head.status == 404)
                usleep(150_000)
            }
            #expect(try client.send("GET", "/nowhere").head.status == 404)
            #expect(client.connection.isClosedByPeer(within: .seconds(5)))
        }
    }
}
