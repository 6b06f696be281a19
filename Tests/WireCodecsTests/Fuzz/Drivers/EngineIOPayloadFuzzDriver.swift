import WireCodecs

/// Fuzz target `engineio-payload`: `EngineIOPayload.decode` on one HTTP long-polling body.
///
/// Engine.IO v4 "HTTP long-polling". The first input byte picks `maxPayload` (0 for the default,
/// else 4 × the byte); the rest is the body. Invariants: a body over `maxPayload` is refused, and
/// decoded packets encode to a body that decodes to the same packets.
enum EngineIOPayloadFuzzDriver {
    static func run(_ input: [UInt8]) -> [String] {
        var check = FuzzCheck()
        guard let selector = input.first else { return [] }
        let body = Array(input.dropFirst())
        let maxPayload = selector == 0 ? WireLimits.standard.engineIOMaxPayload : 4 * Int(selector)
        guard let packets = try? EngineIOPayload.decode(body, maxPayload: maxPayload) else { return [] }
        check.expect(body.count <= maxPayload, "engineio-payload: \(body.count) bytes accepted over maxPayload \(maxPayload)")
        let encoded = EngineIOPayload.encode(packets)
        // Re-encoding may grow the body (padded base64, canonical open JSON), so no limit the second time.
        let again = Result { () throws(EngineIOParseError) in try EngineIOPayload.decode(encoded, maxPayload: Int.max) }
        check.expect(
            again == .success(packets),
            "engineio-payload round trip: \(packets) encoded as \(String(decoding: encoded, as: UTF8.self)) decoded as \(again)")
        return check.findings
    }
}
