import Testing
@testable import ConformanceKit

@Suite struct KitServerAddressTests {
    @Test func parsesHostsAndPorts() {
        let address = KitServerAddress(baseURL: "http://127.0.0.1:5000")
        #expect(address?.host == "127.0.0.1" && address?.port == 5000 && address?.hostHeader == "127.0.0.1:5000")
        #expect(KitServerAddress(baseURL: "http://example.test")?.port == 80)
        #expect(KitServerAddress(baseURL: "http://[::1]:8080/base")?.host == "::1")
        #expect(KitServerAddress(baseURL: "http://[::1]:8080/base")?.port == 8080)
    }

    @Test(arguments: ["https://x:1", "http://", "http://host:0", "http://host:70000", "http://host:abc", "http://[::1"])
    func refusesBadURLs(_ url: String) {
        #expect(KitServerAddress(baseURL: url) == nil)
    }
}
