extension EngineIOOpenPayload {
    /// The handshake JSON, keys in the order of Engine.IO v4 "Handshake":
    /// `{"sid":"…","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`.
    public func encodedJSON() -> String {
        var buffer = [UInt8]()
        appendJSON(to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends the handshake JSON (see `encodedJSON()`).
    public func appendJSON(to buffer: inout [UInt8]) {
        JSONSerializer.appendASCII("{\"sid\":", to: &buffer)
        JSONSerializer.appendString(sid, to: &buffer)
        JSONSerializer.appendASCII(",\"upgrades\":[", to: &buffer)
        for (position, upgrade) in upgrades.enumerated() {
            if position > 0 { buffer.append(0x2C) }
            JSONSerializer.appendString(upgrade, to: &buffer)
        }
        JSONSerializer.appendASCII("],\"pingInterval\":", to: &buffer)
        JSONSerializer.appendInteger(Int64(pingInterval), to: &buffer)
        JSONSerializer.appendASCII(",\"pingTimeout\":", to: &buffer)
        JSONSerializer.appendInteger(Int64(pingTimeout), to: &buffer)
        JSONSerializer.appendASCII(",\"maxPayload\":", to: &buffer)
        JSONSerializer.appendInteger(Int64(maxPayload), to: &buffer)
        buffer.append(0x7D)
    }

    /// Decodes the handshake JSON (for clients), checking every field's type (Engine.IO v4 "Handshake").
    ///
    /// `sid` must be a non-empty string, `upgrades` an array of strings, and `pingInterval`,
    /// `pingTimeout` and `maxPayload` non-negative integers. Unknown members are ignored.
    public static func decode(json: String) throws(EngineIOParseError) -> EngineIOOpenPayload {
        var json = json
        return try json.withUTF8 { decode(json: $0) }.get()
    }

    static func decode(json bytes: UnsafeBufferPointer<UInt8>) -> Result<EngineIOOpenPayload, EngineIOParseError> {
        let value: JSONValue
        switch JSONParser.parse(buffer: bytes, maxDepth: 8) {
        case .success(let parsed): value = parsed
        case .failure(let error): return .failure(.invalidOpenPayload(error.description))
        }
        guard value.objectMembers != nil else { return .failure(.invalidOpenPayload("not a JSON object")) }
        guard let sid = value["sid"]?.stringValue, !sid.isEmpty else {
            return .failure(.invalidOpenPayload("\"sid\" must be a non-empty string"))
        }
        guard let upgradeValues = value["upgrades"]?.arrayValue else {
            return .failure(.invalidOpenPayload("\"upgrades\" must be an array of strings"))
        }
        var upgrades: [String] = []
        for upgradeValue in upgradeValues {
            guard let upgrade = upgradeValue.stringValue else {
                return .failure(.invalidOpenPayload("\"upgrades\" must be an array of strings"))
            }
            upgrades.append(upgrade)
        }
        func integer(_ key: String) -> Int? {
            guard let number = value[key]?.numberValue, number >= 0, number < 9_007_199_254_740_992,
                  Double(Int64(number)) == number else { return nil }
            return Int(number)
        }
        guard let pingInterval = integer("pingInterval") else {
            return .failure(.invalidOpenPayload("\"pingInterval\" must be a non-negative integer"))
        }
        guard let pingTimeout = integer("pingTimeout") else {
            return .failure(.invalidOpenPayload("\"pingTimeout\" must be a non-negative integer"))
        }
        guard let maxPayload = integer("maxPayload") else {
            return .failure(.invalidOpenPayload("\"maxPayload\" must be a non-negative integer"))
        }
        return .success(EngineIOOpenPayload(sid: sid, upgrades: upgrades, pingInterval: pingInterval, pingTimeout: pingTimeout, maxPayload: maxPayload))
    }
}
