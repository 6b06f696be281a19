import Foundation
import MessageStore
import ReferenceServer
import Testing
import WireCodecs

/// `/healthz` and `/metrics` on a running server (Spec HTTP-3, README "Operating").
@Suite struct OperatingEndToEndTests {
    @Test func metricsCountWhatHappened() throws {
        try withServer { server in
            let socket = try TestSocketIOClient(port: server.port)
            _ = try socket.join("mia")
            for index in 0..<5 {
                #expect(try postMessage(port: server.port, sender: "ned", receiver: "mia", content: "m\(index)").head.status == 201)
            }
            #expect(try postMessage(port: server.port, sender: "", receiver: "mia", content: "x").head.status == 400)
            // A session whose client goes away is counted under "transport close".
            let leaving = try TestSocketIOClient(port: server.port)
            leaving.webSocket.connection.close()
            var closedByTransport = 0.0
            for _ in 0..<50 where closedByTransport < 1 {
                let metrics = try PrometheusText(try TestHTTPClient(port: server.port).send("GET", "/metrics").text)
                closedByTransport = metrics.samples["messenger_sessions_closed_total{reason=\"transport_close\"}"] ?? 0
                if closedByTransport < 1 { Thread.sleep(forTimeInterval: 0.1) }
            }
            #expect(closedByTransport == 1)
            let response = try TestHTTPClient(port: server.port).send("GET", "/metrics")
            #expect(response.head.status == 200)
            #expect(response.head.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8")
            let parsed = try PrometheusText(response.text)
            #expect(parsed.samples["messenger_messages_accepted_total"] == 5)
            #expect(parsed.samples["messenger_messages_refused_total{reason=\"invalid\"}"] == 1)
            #expect(parsed.samples["messenger_commit_latency_seconds_count"] == 5)
            #expect(parsed.samples["messenger_commit_queue_depth"] == 0)
            #expect(parsed.samples["messenger_sessions{transport=\"websocket\"}"] == 1)
            #expect(parsed.samples["messenger_sessions{transport=\"polling\"}"] == 0)
            #expect(parsed.samples["messenger_sessions_closed_total{reason=\"ping_timeout\"}"] == 0)
            #expect((parsed.samples["messenger_connections"] ?? 0) >= 2)  // the WebSocket and this request
            #expect((parsed.samples["messenger_open_fds"] ?? 0) > 4)
            #expect((parsed.samples["messenger_received_bytes_total"] ?? 0) > 500)
            #expect((parsed.samples["messenger_sent_bytes_total"] ?? 0) > 500)
            #expect((parsed.samples["messenger_resident_memory_bytes"] ?? 0) > 1_048_576)
        }
    }

    @Test func healthzSaysWhyTheServerDoesNotAccept() throws {
        let fault = FaultSwitch()
        try withServer({ configuration in
            configuration.hooks.makeStore = { path, storeConfiguration throws(StorageError) in
                FaultInjectingStore(
                    base: try MessageStore(path: path, configuration: storeConfiguration), configuration: storeConfiguration,
                    isFaulted: { fault.isFull.load(ordering: .relaxed) })
            }
        }) { server in
            let client = try TestHTTPClient(port: server.port)
            let healthy = try client.send("GET", "/healthz")
            #expect(healthy.head.status == 200 && healthy.json?["status"] == .string("ok"))
            fault.isFull.store(true, ordering: .relaxed)
            #expect(try postMessage(port: server.port, sender: "a", receiver: "b", content: "lost").head.status == 503)
            let failing = try client.send("GET", "/healthz")
            #expect(failing.head.status == 503)
            #expect(failing.head.headers["Retry-After"] == "1")
            #expect(failing.json?["reason"] == .string("storage: the disk is full"))
            fault.isFull.store(false, ordering: .relaxed)
            #expect(try postMessage(port: server.port, sender: "a", receiver: "b", content: "kept").head.status == 201)
            #expect(try client.send("GET", "/healthz").head.status == 200)
            #expect(try client.send("POST", "/healthz", body: "").head.status == 405)
            #expect(try client.send("GET", "/healthz/extra").head.status == 404)
        }
    }
}
