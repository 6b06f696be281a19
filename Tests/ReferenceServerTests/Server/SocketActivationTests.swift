import Testing
@testable import ReferenceServer

/// `SocketActivation.decide`: systemd's protocol (`man sd_listen_fds`) from the environment and the pid.
@Suite struct SocketActivationTests {
    @Test func withoutListenPIDNothingIsInherited() {
        #expect(SocketActivation.decide(environment: [:], processID: 42) == .notActivated)
        // LISTEN_FDS alone names no process: sd_listen_fds ignores it too.
        #expect(SocketActivation.decide(environment: ["LISTEN_FDS": "1"], processID: 42) == .notActivated)
    }

    @Test func variablesForAnotherProcessAreIgnored() {
        // A parent shell that exported them for itself: not ours.
        #expect(SocketActivation.decide(environment: ["LISTEN_PID": "41", "LISTEN_FDS": "1"], processID: 42) == .notActivated)
        #expect(SocketActivation.decide(environment: ["LISTEN_PID": "41", "LISTEN_FDS": "3"], processID: 42) == .notActivated)
    }

    @Test func oneSocketForThisProcessIsDescriptorThree() {
        #expect(SocketActivation.decide(environment: ["LISTEN_PID": "42", "LISTEN_FDS": "1"], processID: 42) == .listen(descriptor: 3))
        #expect(
            SocketActivation.decide(environment: ["LISTEN_PID": "42", "LISTEN_FDS": "1", "LISTEN_FDNAMES": "messenger"], processID: 42)
                == .listen(descriptor: 3))
    }

    @Test(arguments: ["0", "2", "10", "-1", "one", "", " 1"])
    func anyOtherCountForThisProcessIsAnError(count: String) {
        guard case .invalid(let message) = SocketActivation.decide(environment: ["LISTEN_PID": "42", "LISTEN_FDS": count], processID: 42) else {
            Issue.record("LISTEN_FDS=\(count) was accepted")
            return
        }
        #expect(message.contains("LISTEN_FDS"))
    }

    @Test func missingCountOrMalformedPIDIsAnError() {
        #expect(SocketActivation.decide(environment: ["LISTEN_PID": "42"], processID: 42) == .invalid("LISTEN_PID names this process but LISTEN_FDS is not set"))
        for pid in ["", "x", "-42", "0"] {
            guard case .invalid(let message) = SocketActivation.decide(environment: ["LISTEN_PID": pid, "LISTEN_FDS": "1"], processID: 42) else {
                Issue.record("LISTEN_PID=\(pid) was accepted")
                continue
            }
            #expect(message.contains("LISTEN_PID"))
        }
    }
}
