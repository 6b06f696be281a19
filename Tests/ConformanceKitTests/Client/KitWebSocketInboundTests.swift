import Testing
import WireCodecs
@testable import ConformanceKit

@Suite("KitWebSocketInbound: loop-side parsing and immediate pongs")
struct KitWebSocketInboundTests {
    /// An unmasked server frame.
    static func frame(_ opcode: WebSocketOpcode, _ payload: [UInt8], isFinal: Bool = true) -> [UInt8] {
        WebSocketFrame(isFinal: isFinal, opcode: opcode, payload: payload).serialized()
    }

    static func text(_ text: String) -> [UInt8] { frame(.text, Array(text.utf8)) }

    @Test(arguments: [("2", "3"), ("2probe", "3probe")])
    func engineIOPingIsAnsweredAtOnce(ping: String, pong: String) {
        var inbound = KitWebSocketInbound(maxMessageSize: 1024, answersEngineIOPings: true)
        #expect(inbound.onReceived(Self.text(ping)) == [
            .reply(opcode: .text, payload: Array(pong.utf8)),
            .deliver(.answered(.text(ping))),
        ])
    }

    @Test func engineIOPingIsOnlyDeliveredWithoutAutoPong() {
        var inbound = KitWebSocketInbound(maxMessageSize: 1024, answersEngineIOPings: false)
        #expect(inbound.onReceived(Self.text("2")) == [.deliver(.message(.text("2")))])
    }

    @Test func otherTextIsOnlyDelivered() {
        var inbound = KitWebSocketInbound(maxMessageSize: 1024, answersEngineIOPings: true)
        let packet = #"42["new_message",{"content":"2"}]"#
        #expect(inbound.onReceived(Self.text(packet) + Self.text("3") + Self.text("")) == [
            .deliver(.message(.text(packet))), .deliver(.message(.text("3"))), .deliver(.message(.text(""))),
        ])
    }

    @Test func webSocketPingGetsAPongWithItsData() {
        var inbound = KitWebSocketInbound(maxMessageSize: 1024, answersEngineIOPings: false)
        #expect(inbound.onReceived(Self.frame(.ping, [1, 2, 3])) == [
            .reply(opcode: .pong, payload: [1, 2, 3]), .deliver(.answered(.ping([1, 2, 3]))),
        ])
    }

    @Test func pingSplitAcrossReadsIsAnsweredWhenComplete() {
        var inbound = KitWebSocketInbound(maxMessageSize: 1024, answersEngineIOPings: true)
        let bytes = Self.text("40") + Self.text("2")
        #expect(inbound.onReceived(bytes.prefix(5)) == [.deliver(.message(.text("40")))])
        #expect(inbound.onReceived(bytes.dropFirst(5)) == [.reply(opcode: .text, payload: Array("3".utf8)), .deliver(.answered(.text("2")))])
    }

    @Test func fragmentedPingIsAnsweredOnceWhole() {
        var inbound = KitWebSocketInbound(maxMessageSize: 1024, answersEngineIOPings: true)
        let bytes = Self.frame(.text, Array("2pr".utf8), isFinal: false) + Self.frame(.continuation, Array("obe".utf8))
        #expect(inbound.onReceived(bytes) == [.reply(opcode: .text, payload: Array("3probe".utf8)), .deliver(.answered(.text("2probe")))])
    }

    @Test func nothingIsAnsweredAfterTheServersCloseFrame() {
        var inbound = KitWebSocketInbound(maxMessageSize: 1024, answersEngineIOPings: true)
        let close = Self.frame(.close, WebSocketCloseCode.payload(code: 1000))
        #expect(inbound.onReceived(close + Self.text("2") + Self.frame(.ping, [])) == [
            .deliver(.message(.close(code: 1000, reason: ""))), .deliver(.message(.text("2"))), .deliver(.message(.ping([]))),
        ])
    }

    @Test func invalidFrameIsReportedOnceAndClosesTheConnection() {
        var inbound = KitWebSocketInbound(maxMessageSize: 1024, answersEngineIOPings: true)
        var masked: [UInt8] = []
        WebSocketFrame.appendText("2", maskingKey: [1, 2, 3, 4], to: &masked)
        #expect(inbound.onReceived(Self.text("2") + masked) == [
            .reply(opcode: .text, payload: Array("3".utf8)), .deliver(.answered(.text("2"))),
            .deliver(.protocolError(.maskedFrameFromServer)), .closeConnection,
        ])
        #expect(inbound.onReceived(Self.text("2")) == [])
    }

    @Test func oversizedMessageIsAProtocolError() {
        var inbound = KitWebSocketInbound(maxMessageSize: 4, answersEngineIOPings: true)
        let actions = inbound.onReceived(Self.text("2hello"))
        #expect(actions.count == 2)
        guard case .deliver(.protocolError)? = actions.first else {
            Issue.record("expected a protocol error, got \(actions)")
            return
        }
        #expect(actions.last == .closeConnection)
    }
}
