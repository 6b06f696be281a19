import Foundation
import ReferenceServer
import Testing

/// Starting and stopping the embedded server.
@Suite struct ReferenceServerTests {
    @Test func startsOnAFreePortAndStopsIdempotently() throws {
        let server = try ReferenceServer.start(configuration: ServerConfiguration(port: 0, databasePath: temporaryDatabasePath(), logLevel: .error))
        #expect(server.port > 0)
        #expect(!server.isStopped)
        #expect(try postMessage(port: server.port, sender: "a", receiver: "b", content: "c").head.status == 201)
        server.stop()
        server.stop()
        server.waitUntilStopped()
        #expect(server.isStopped)
        #expect(throws: (any Error).self) { try RawConnection(port: server.port) }
    }

    @Test func baseURLBracketsAnIPv6Host() {
        #expect(ReferenceServer.baseURL(host: "127.0.0.1", port: 3000) == "http://127.0.0.1:3000")
        #expect(ReferenceServer.baseURL(host: "localhost", port: 80) == "http://localhost:80")
        #expect(ReferenceServer.baseURL(host: "::1", port: 3000) == "http://[::1]:3000")
        #expect(ReferenceServer.baseURL(host: "::", port: 1) == "http://[::]:1")
    }

    @Test func unopenableDatabaseFailsToStart() {
        let configuration = ServerConfiguration(port: 0, databasePath: "/nonexistent-directory/x.db", logLevel: .error)
        #expect(throws: ReferenceServer.StartError.self) { try ReferenceServer.start(configuration: configuration) }
    }

    @Test func portInUseFailsToStart() throws {
        try withServer { server in
            let configuration = ServerConfiguration(port: server.port, databasePath: temporaryDatabasePath(), logLevel: .error)
            #expect(throws: ReferenceServer.StartError.self) { try ReferenceServer.start(configuration: configuration) }
        }
    }
}
