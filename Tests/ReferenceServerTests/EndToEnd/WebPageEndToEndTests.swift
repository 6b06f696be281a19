import Testing

/// The chat page over real sockets: served at `/` beside the protocol's paths, nothing else.
@Suite struct WebPageEndToEndTests {
    @Test func thePageIsServedAndUnknownPathsStay404() throws {
        try withServer { server in
            let client = try TestHTTPClient(port: server.port)
            let page = try client.send("GET", "/")
            #expect(page.head.status == 200)
            #expect(page.head.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(String(decoding: page.body, as: UTF8.self).contains("app.js"))
            let script = try client.send("GET", "/assets/socketio-client.js")
            #expect(script.head.status == 200)
            #expect(script.head.headers["Content-Type"] == "text/javascript; charset=utf-8")
            let tag = try #require(script.head.headers["ETag"])
            #expect(try client.send("GET", "/assets/socketio-client.js", headers: [("If-None-Match", tag)]).head.status == 304)
            for target in ["/../Package.swift", "/%2e%2e/%2e%2e/etc/passwd", "/Web/app.js", "/tests/client-tests.html", "/nope", "/app.js", "/index.html"] {
                let response = try client.send("GET", target)
                #expect(response.head.status == 404, "\(target)")
                #expect(response.json?["error"]?.stringValue != nil)
            }
            // The protocol's paths are untouched on the same connection.
            #expect(try client.send("GET", "/messages").head.status == 405)
            #expect(try client.send("POST", "/messages", body: #"{"sender":"a","receiver":"b","content":"c"}"#).head.status == 201)
        }
    }
}
