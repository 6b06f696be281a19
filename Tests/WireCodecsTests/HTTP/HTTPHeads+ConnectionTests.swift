import Testing

@testable import WireCodecs

@Suite struct HTTPHeadsConnectionTests {
    @Test(
        arguments: [
            (HTTPVersion.http1_1, nil, true),
            (.http1_1, "close", false),
            (.http1_1, "keep-alive, Close", false),
            (.http1_1, "Upgrade", true),
            (.http1_0, nil, false),
            (.http1_0, "Keep-Alive", true),
            (.http1_0, "close", false),
        ] as [(HTTPVersion, String?, Bool)])
    func keepAliveFollowsVersionAndConnection(version: HTTPVersion, connection: String?, isKeepAlive: Bool) {
        var headers = HTTPHeaders()
        if let connection { headers.add(name: "Connection", value: connection) }
        #expect(
            HTTPRequestHead(method: "GET", target: "/", version: version, headers: headers).isKeepAlive == isKeepAlive)
        #expect(HTTPResponseHead(status: 200, version: version, headers: headers).isKeepAlive == isKeepAlive)
    }

    @Test func recognisesUpgradeRequests() {
        let upgrade = HTTPRequestHead(
            method: "GET", target: "/", headers: ["Upgrade": "WebSocket", "Connection": "keep-alive, Upgrade"])
        #expect(upgrade.isUpgradeRequest)
        #expect(upgrade.upgradeProtocols == ["websocket"])
        let noConnection = HTTPRequestHead(method: "GET", target: "/", headers: ["Upgrade": "websocket"])
        #expect(!noConnection.isUpgradeRequest)
        let noUpgrade = HTTPRequestHead(method: "GET", target: "/", headers: ["Connection": "upgrade"])
        #expect(!noUpgrade.isUpgradeRequest)
    }
}
