import WireCodecs

/// Fuzz target `websocket-frames`: `WebSocketFrameParser` for either role.
///
/// RFC 6455 §5.2. The first input byte picks the role (bit 0: client, else server), the
/// non-minimal length tolerance (bit 1) and a small `maxFrameSize` of 200 (bit 2); the rest is the
/// stream. Invariants: the frames and the error are the same however the stream is cut, and every
/// frame parsed, serialized again with its own masking key, parses back to itself.
enum WebSocketFrameFuzzDriver {
    static func run(_ input: [UInt8]) -> [String] {
        var check = FuzzCheck()
        guard let selector = input.first else { return [] }
        let stream = Array(input.dropFirst())
        let makeParser = {
            WebSocketFrameParser(
                role: selector & 1 == 0 ? .server : .client,
                maxFrameSize: selector & 4 == 0 ? WireLimits.standard.webSocketMaxFrameSize : 200,
                allowsNonMinimalLengths: selector & 2 != 0)
        }
        let reference = parse(stream, parser: makeParser(), split: .whole)
        for split in [FuzzSplit.byteAtATime, .dataDerived] {
            let outcome = parse(stream, parser: makeParser(), split: split)
            check.expect(
                outcome == reference,
                "websocket-frames \(split): \(outcome.items.count) frames, error \(String(describing: outcome.error)); "
                    + "whole: \(reference.items.count) frames, error \(String(describing: reference.error))")
        }
        for frame in reference.items {
            var parser = makeParser()
            parser.append(frame.serialized())
            let again = Result { () throws(WebSocketProtocolError) in try parser.nextFrame() }
            check.expect(
                again == .success(frame) && parser.bufferedByteCount == 0,
                "websocket-frames round trip: \(frame) serialized and parsed again gave \(again)")
        }
        return check.findings
    }

    static func parse(
        _ stream: [UInt8], parser: WebSocketFrameParser, split: FuzzSplit
    ) -> FuzzOutcome<WebSocketFrame, WebSocketProtocolError> {
        var parser = parser
        var outcome = FuzzOutcome<WebSocketFrame, WebSocketProtocolError>()
        for chunk in split.chunks(of: stream) {
            parser.append(chunk)
            do {
                while let frame = try parser.nextFrame() { outcome.items.append(frame) }
            } catch {
                outcome.error = error
                return outcome
            }
        }
        return outcome
    }
}
