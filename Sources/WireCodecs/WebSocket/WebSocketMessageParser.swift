/// Incremental WebSocket message parser: reassembles fragmented data frames, validates text and close
/// frames, and passes control frames through as they arrive.
///
/// RFC 6455 §5.4 (fragmentation: control frames may be interleaved; a continuation needs a started
/// message; a new data frame may not start while one is open), §8.1 (text is UTF-8, checked fragment
/// by fragment so a bad byte fails at once), §5.5.1 and §7.4 (close payload). The reassembled message is
/// capped by `maxMessageSize`, checked from each frame header before its payload is buffered.
/// After an error the parser stays failed. After a `.close` it keeps parsing whatever follows; the
/// connection owner should stop reading (RFC 6455 §5.5.1: no data after a close).
public struct WebSocketMessageParser: Sendable {
    private var frameParser: WebSocketFrameParser
    /// Largest reassembled text or binary message, in bytes.
    public let maxMessageSize: Int

    /// The opcode (text or binary) of the fragmented message in progress, if any.
    private var openMessageOpcode: WebSocketOpcode?
    private var fragments: [UInt8] = []
    private var textValidation = UTF8Validation()
    private var failure: WebSocketProtocolError?

    /// A parser for messages received by `role`.
    ///
    /// - Parameters:
    ///   - maxFrameSize: default `WireLimits.standard.webSocketMaxFrameSize` (1 MB).
    ///   - maxMessageSize: default `WireLimits.standard.webSocketMaxMessageSize` (1 MB).
    public init(
        role: WebSocketRole,
        maxFrameSize: Int = WireLimits.standard.webSocketMaxFrameSize,
        maxMessageSize: Int = WireLimits.standard.webSocketMaxMessageSize,
        allowsNonMinimalLengths: Bool = false
    ) {
        frameParser = WebSocketFrameParser(role: role, maxFrameSize: maxFrameSize, allowsNonMinimalLengths: allowsNonMinimalLengths)
        self.maxMessageSize = max(0, maxMessageSize)
    }

    /// A parser taking its limits from `limits`.
    public init(role: WebSocketRole, limits: WireLimits) {
        self.init(role: role, maxFrameSize: limits.webSocketMaxFrameSize, maxMessageSize: limits.webSocketMaxMessageSize)
    }

    public var role: WebSocketRole { frameParser.role }
    public var maxFrameSize: Int { frameParser.maxFrameSize }

    /// Bytes received but not yet consumed into frames.
    public var bufferedByteCount: Int { frameParser.bufferedByteCount }

    /// True while a fragmented message has started and its final frame has not arrived.
    public var isInsideFragmentedMessage: Bool { openMessageOpcode != nil }

    /// Adds received bytes. Ignored once the parser has failed.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        guard failure == nil else { return }
        frameParser.append(bytes)
    }

    /// The next message or control frame, or nil when more bytes are needed.
    public mutating func nextMessage() throws(WebSocketProtocolError) -> WebSocketMessage? {
        if let failure { throw failure }
        do {
            return try parseMessage()
        } catch {
            failure = error
            fragments = []
            throw error
        }
    }

    private mutating func parseMessage() throws(WebSocketProtocolError) -> WebSocketMessage? {
        while true {
            let limit = (remaining: maxMessageSize - fragments.count, messageLimit: maxMessageSize)
            guard let frame = try frameParser.nextFrame(dataPayloadLimit: limit) else { return nil }
            switch frame.opcode {
            case .ping:
                return .ping(frame.payload)
            case .pong:
                return .pong(frame.payload)
            case .close:
                let (code, reason) = try WebSocketCloseCode.parsePayload(frame.payload)
                return .close(code: code, reason: reason)
            case .text, .binary:
                // §5.4: "the fragments of one message MUST NOT be interleaved between the fragments of
                // another message".
                guard openMessageOpcode == nil else { throw .dataFrameDuringFragmentedMessage(frame.opcode) }
                if frame.isFinal {
                    return try completeMessage(opcode: frame.opcode, fragment: frame.payload, isFirst: true)
                }
                openMessageOpcode = frame.opcode
                textValidation = UTF8Validation()
                try absorbFragment(frame.payload, opcode: frame.opcode)
            case .continuation:
                // §5.4: a continuation only continues a message that has started.
                guard let opcode = openMessageOpcode else { throw .continuationWithoutStart }
                if frame.isFinal {
                    return try completeMessage(opcode: opcode, fragment: frame.payload, isFirst: false)
                }
                try absorbFragment(frame.payload, opcode: opcode)
            }
        }
    }

    /// Buffers a non-final fragment, validating text as it arrives (§8.1 fail fast).
    private mutating func absorbFragment(_ payload: [UInt8], opcode: WebSocketOpcode) throws(WebSocketProtocolError) {
        if opcode == .text && !textValidation.validate(payload) { throw .invalidUTF8InText }
        fragments.append(contentsOf: payload)
    }

    /// Ends a message with its final fragment.
    private mutating func completeMessage(opcode: WebSocketOpcode, fragment: [UInt8], isFirst: Bool) throws(WebSocketProtocolError) -> WebSocketMessage {
        let bytes: [UInt8]
        if isFirst {
            bytes = fragment
            if opcode == .text && !UTF8Validation.isValid(bytes) { throw .invalidUTF8InText }
        } else {
            if opcode == .text && !(textValidation.validate(fragment) && textValidation.finish()) {
                throw .invalidUTF8InText
            }
            fragments.append(contentsOf: fragment)
            bytes = fragments
            fragments = []
            openMessageOpcode = nil
        }
        return opcode == .text ? .text(String(decoding: bytes, as: UTF8.self)) : .binary(bytes)
    }
}
