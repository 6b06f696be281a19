import Testing
import NetworkCore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct NetworkErrorTests {
    @Test func systemErrorsKeepTheCallAndErrno() {
        let error = NetworkError.system(call: "recv", errno: ECONNRESET)
        #expect(error.errno == ECONNRESET)
        #expect(error.isConnectionReset)
        #expect(error.description == "recv failed: Connection reset by peer (errno \(ECONNRESET))")
    }

    @Test func connectFailuresReadWell() {
        let error = NetworkError.connectFailed(errno: ECONNREFUSED)
        #expect(error.errno == ECONNREFUSED)
        #expect(!error.isConnectionReset)
        #expect(error.description == "connect failed: Connection refused (errno \(ECONNREFUSED))")
    }

    @Test(arguments: [
        (NetworkError.outboundBufferOverflow(limit: 4), "outbound buffer overflow: more than 4 bytes pending (peer not reading)"),
        (.loopShutDown, "event loop shut down"),
        (.invalidPort(70000), "invalid port 70000 (expected 0...65535)"),
        (.addressResolution(host: "x", message: "Name or service not known"), "cannot resolve \"x\": Name or service not known"),
    ])
    func descriptions(error: NetworkError, text: String) {
        #expect(error.description == text)
        #expect(error.errno == nil)
    }

    @Test func brokenPipeCountsAsReset() {
        #expect(NetworkError.system(call: "send", errno: EPIPE).isConnectionReset)
        #expect(!NetworkError.system(call: "send", errno: EAGAIN).isConnectionReset)
    }
}
