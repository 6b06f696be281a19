import Testing
@testable import NetworkCore

@Suite struct HostResolverTests {
    @Test(arguments: ["127.0.0.1", "::1", "10.0.0.255", "fe80::1"])
    func numericAddressesAreTheirOwnAnswer(host: String) throws {
        #expect(HostResolver.isNumeric(host))
        #expect(try HostResolver.numericAddress(of: host) == host)
    }

    @Test(arguments: ["localhost", "example.invalid", "127.0.0.1.", "", "[::1]"])
    func namesAreNotNumeric(host: String) {
        #expect(!HostResolver.isNumeric(host))
    }

    /// /etc/hosts names localhost; IPv4 is preferred, as `LoopContext.connect` prefers it.
    @Test func localhostResolvesToALoopbackAddress() throws {
        let address = try HostResolver.numericAddress(of: "localhost")
        #expect(address == "127.0.0.1" || address == "::1", "\(address)")
        #expect(HostResolver.isNumeric(address))
    }

    @Test func aNameThatDoesNotResolveIsAnAddressResolutionError() {
        #expect {
            _ = try HostResolver.numericAddress(of: "no-such-host.invalid")
        } throws: { error in
            guard case NetworkError.addressResolution(let host, _) = error else { return false }
            return host == "no-such-host.invalid"
        }
    }
}
