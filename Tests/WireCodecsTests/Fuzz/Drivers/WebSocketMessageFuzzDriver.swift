import WireCodecs

/// Fuzz target `websocket-messages`: `WebSocketMessageParser` (fragmentation, UTF-8, close payloads).
///
/// RFC 6455 §5.4, §5.5, §8.1. The first input byte picks the role (bit 0: client, else server), the
/// non-minimal length tolerance (bit 1) and small limits, 200-byte frames in 300-byte messages
/// (bit 2); the rest is the stream. Invariant: the messages and the error are the same however the
/// stream is cut into `append` calls.
enum WebSocketMessageFuzzDriver {
    static func run(_ input: [UInt8]) -> [String] {
        var check = FuzzCheck()
        guard let selector = input.first else { return [] }
        let stream = Array(input.dropFirst())
        let isSmall = selector & 4 != 0
        let makeParser = {
            WebSocketMessageParser(
                role: selector & 1 == 0 ? .server : .client,
                maxFrameSize: isSmall ? 200 : WireLimits.standard.webSocketMaxFrameSize,
                maxMessageSize: isSmall ? 300 : WireLimits.standard.webSocketMaxMessageSize,
                allowsNonMinimalLengths: selector & 2 != 0)
        }
        let reference = parse(stream, parser: makeParser(), split: .whole)
        for split in [FuzzSplit.byteAtATime, .dataDerived] {
            let outcome = parse(stream, parser: makeParser(), split: split)
            check.expect(
                outcome == reference,
                "websocket-messages \(split): \(outcome.items.count) messages, error \(String(describing: outcome.error)); "
                    + "whole: \(reference.items.count) messages, error \(String(describing: reference.error))")
        }
        for case .text(let text) in reference.items {
            check.expect(text.utf8.count <= makeParser().maxMessageSize, "websocket-messages: text over the limit")
        }
        return check.findings
    }

    static func parse(
        _ stream: [UInt8], parser: WebSocketMessageParser, split: FuzzSplit
    ) -> FuzzOutcome<WebSocketMessage, WebSocketProtocolError> {
        var parser = parser
        var outcome = FuzzOutcome<WebSocketMessage, WebSocketProtocolError>()
        for chunk in split.chunks(of: stream) {
            parser.append(chunk)
            do {
                while let message = try parser.nextMessage() { outcome.items.append(message) }
            } catch {
                outcome.error = error
                return outcome
            }
        }
        return outcome
    }
}
