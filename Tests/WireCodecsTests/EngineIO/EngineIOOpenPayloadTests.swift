import Testing
@testable import WireCodecs

/// Engine.IO v4 "Handshake" JSON, driven by `Spec/vectors/engineio.json`.
@Suite struct EngineIOOpenPayloadTests {
    @Test(arguments: try EngineIOVectorFile.load().openPayloads)
    func decodesHandshakes(vector: EngineIOVectorFile.OpenCase) throws {
        let decoded = try EngineIOOpenPayload.decode(json: vector.json)
        #expect(decoded == vector.open.payload)
        if vector.canonical {
            #expect(decoded.encodedJSON() == vector.json)
        }
        #expect(try EngineIOOpenPayload.decode(json: decoded.encodedJSON()) == decoded)
    }

    @Test(arguments: try EngineIOVectorFile.load().malformedOpenPayloads)
    func refusesMalformedHandshakes(vector: EngineIOVectorFile.MalformedOpen) {
        #expect(throws: EngineIOParseError.self) { try EngineIOOpenPayload.decode(json: vector.json) }
        do {
            _ = try EngineIOOpenPayload.decode(json: vector.json)
        } catch {
            #expect(error.code == vector.error)
        }
    }

    @Test func escapesTheSessionID() {
        let payload = EngineIOOpenPayload(sid: "a\"b", upgrades: [], pingInterval: 1, pingTimeout: 2, maxPayload: 3)
        #expect(payload.encodedJSON() == #"{"sid":"a\"b","upgrades":[],"pingInterval":1,"pingTimeout":2,"maxPayload":3}"#)
    }
}
