extension SocketIOPacket {
    /// Event names the reference implementation refuses on the wire (socket.io-parser `RESERVED_EVENTS`).
    public static let reservedEventNames: Set<String> = [
        "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
    ]

    /// The largest acknowledgement id accepted: 2^53 − 1, exact in a JavaScript number.
    public static let maxAckID = 9_007_199_254_740_991

    /// The text form: `<type>[<attachments>-][<namespace>,][<ack id>][<JSON data>]` (Socket.IO v5
    /// "Packet encoding"); the namespace is written only when it is not `/`.
    public func encoded() -> String {
        var buffer = [UInt8]()
        appendEncoded(to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends the UTF-8 text form (see `encoded()`).
    public func appendEncoded(to buffer: inout [UInt8]) {
        buffer.append(0x30 + UInt8(type.rawValue))
        if type == .binaryEvent || type == .binaryAck {
            JSONSerializer.appendInteger(Int64(attachmentCount), to: &buffer)
            buffer.append(0x2D)
        }
        if !namespace.isEmpty && namespace != "/" {
            buffer.append(contentsOf: namespace.utf8)
            buffer.append(0x2C)
        }
        if let ackID { JSONSerializer.appendInteger(Int64(ackID), to: &buffer) }
        if let data { JSONSerializer.append(data, to: &buffer) }
    }

    /// Decodes the text of one Socket.IO packet (Socket.IO v5 "Packet encoding").
    ///
    /// Follows socket.io-parser's `decodeString` and `isPayloadValid`, with these limits: the
    /// attachment count needs at least one digit and at most `limits.socketIOMaxAttachments`; the
    /// ack id is at most 2^53 − 1; JSON nests at most `limits.jsonMaxDepth` deep. Payload rules:
    /// CONNECT data, if any, is an object; DISCONNECT has none; EVENT and BINARY_EVENT data is an
    /// array whose first element is a number or a string not in `reservedEventNames`; ACK and
    /// BINARY_ACK data is an array; CONNECT_ERROR data is an object or a string. Stricter than the
    /// reference: EVENT, ACK, CONNECT_ERROR and the binary types must carry data (the v5 document
    /// says "The payload is mandatory").
    public static func decode(_ text: String, limits: WireLimits = .standard) throws(SocketIOParseError) -> SocketIOPacket {
        var text = text
        return try text.withUTF8 { decode(buffer: $0, limits: limits) }.get()
    }

    static func decode(buffer bytes: UnsafeBufferPointer<UInt8>, limits: WireLimits) -> Result<SocketIOPacket, SocketIOParseError> {
        guard let typeByte = bytes.first else { return .failure(.emptyPacket) }
        guard typeByte >= 0x30, let type = SocketIOPacketType(rawValue: Int(typeByte) - 0x30) else {
            return .failure(.unknownPacketType(typeByte))
        }
        var packet = SocketIOPacket(type: type)
        var index = 1
        func isDigit(_ position: Int) -> Bool { position < bytes.count && bytes[position] >= 0x30 && bytes[position] <= 0x39 }

        // <# of binary attachments>-
        if type == .binaryEvent || type == .binaryAck {
            var count = 0
            let digitsStart = index
            while isDigit(index) {
                let (tens, overflow) = count.multipliedReportingOverflow(by: 10)
                count = tens &+ Int(bytes[index] - 0x30)
                guard !overflow, count >= 0, count <= limits.socketIOMaxAttachments else {
                    return .failure(.tooManyAttachments(limit: limits.socketIOMaxAttachments))
                }
                index += 1
            }
            guard index > digitsStart, index < bytes.count, bytes[index] == 0x2D else { return .failure(.invalidAttachmentCount) }
            index += 1
            packet.attachmentCount = count
        }

        // <namespace>, — from "/" up to the first "," or the end of the text.
        if index < bytes.count && bytes[index] == 0x2F {
            let start = index
            while index < bytes.count && bytes[index] != 0x2C { index += 1 }
            packet.namespace = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if index < bytes.count { index += 1 }  // the comma
        }

        // <acknowledgment id>
        if isDigit(index) {
            var ackID = 0
            while isDigit(index) {
                ackID = ackID * 10 + Int(bytes[index] - 0x30)
                guard ackID <= maxAckID else { return .failure(.ackIDOutOfRange) }
                index += 1
            }
            packet.ackID = ackID
        }

        // [JSON-stringified payload]
        if index < bytes.count {
            switch JSONParser.parse(buffer: UnsafeBufferPointer(rebasing: bytes[index...]), maxDepth: limits.jsonMaxDepth) {
            case .success(let data): packet.data = data
            case .failure(let error): return .failure(.invalidJSON(error))
            }
        }
        if let problem = packet.payloadProblem() { return .failure(problem) }
        return .success(packet)
    }

    /// The payload rule this packet breaks, if any (socket.io-parser `isPayloadValid`, data required
    /// where the v5 document says the payload is mandatory).
    func payloadProblem() -> SocketIOParseError? {
        switch type {
        case .connect:
            guard let data else { return nil }
            return data.objectMembers == nil ? .invalidPayload(type, "CONNECT data must be an object") : nil
        case .disconnect:
            return data == nil ? nil : .invalidPayload(type, "DISCONNECT carries no data")
        case .connectError:
            guard let data else { return .missingPayload(type) }
            return data.objectMembers == nil && data.stringValue == nil
                ? .invalidPayload(type, "CONNECT_ERROR data must be an object or a string") : nil
        case .event, .binaryEvent:
            guard let data else { return .missingPayload(type) }
            guard let elements = data.arrayValue else { return .invalidPayload(type, "data must be an array") }
            guard let first = elements.first else { return .invalidPayload(type, "data must not be an empty array") }
            switch first {
            case .number: return nil
            case .string(let name):
                return Self.reservedEventNames.contains(name) ? .invalidPayload(type, "reserved event name \"\(name)\"") : nil
            default:
                return .invalidPayload(type, "the event name must be a string or a number")
            }
        case .ack, .binaryAck:
            guard let data else { return .missingPayload(type) }
            return data.arrayValue == nil ? .invalidPayload(type, "data must be an array") : nil
        }
    }
}
