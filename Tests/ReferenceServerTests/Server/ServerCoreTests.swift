import Testing
@testable import ReferenceServer

@Suite struct ServerCoreTests {
    /// The byte test in front of `operatingResponse` lets every target whose path is `/healthz` or
    /// `/metrics` through and stops the hot paths (a target it lets through by mistake only costs
    /// `operatingResponse`'s exact match, which answers nil).
    @Test func onlyOperatingTargetsReachTheOperatingAnswers() {
        for target in ["/healthz", "/metrics", "/healthz?verbose=1", "/metrics?x#y", "/healthz#top"] {
            #expect(ServerCore.mayNameOperatingPath(target), "\(target)")
        }
        for target in ["/messages", "/socket.io/?EIO=4&transport=polling", "/socket.io", "/", "", "*", "/m", "/me",
                       "healthz", "http://localhost/healthz", "/index.html", "/app.js"] {
            #expect(!ServerCore.mayNameOperatingPath(target), "\(target)")
        }
    }
}
