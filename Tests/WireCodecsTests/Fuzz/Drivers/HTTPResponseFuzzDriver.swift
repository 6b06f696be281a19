import WireCodecs

/// Fuzz target `http-response`: `HTTPResponseParser` over a stream of responses, then `finish()`.
///
/// RFC 9112 §6.3. The first input byte picks the methods of the requests sent (bit pairs: GET, HEAD,
/// CONNECT, none), so HEAD and CONNECT framing is reached; the rest is the stream. Invariant: the
/// responses and the error are the same however the stream is cut into `append` calls.
enum HTTPResponseFuzzDriver {
    static func run(_ input: [UInt8]) -> [String] {
        var check = FuzzCheck()
        guard let selector = input.first else { return [] }
        let stream = Array(input.dropFirst())
        let methods = (0..<4).compactMap { pair -> String? in
            switch (selector >> (2 * pair)) & 3 {
            case 0: "GET"
            case 1: "HEAD"
            case 2: "CONNECT"
            default: nil
            }
        }
        let reference = parse(stream, methods: methods, split: .whole)
        for split in [FuzzSplit.byteAtATime, .dataDerived] {
            let outcome = parse(stream, methods: methods, split: split)
            check.expect(
                outcome == reference,
                "http-response \(split): \(outcome.items.count) responses, error \(String(describing: outcome.error)); "
                    + "whole: \(reference.items.count) responses, error \(String(describing: reference.error))")
        }
        return check.findings
    }

    static func parse(_ stream: [UInt8], methods: [String], split: FuzzSplit) -> FuzzOutcome<HTTPResponse, HTTPParseError> {
        var parser = HTTPResponseParser()
        for method in methods { parser.expectResponse(toMethod: method) }
        var outcome = FuzzOutcome<HTTPResponse, HTTPParseError>()
        do {
            for chunk in split.chunks(of: stream) {
                parser.append(chunk)
                while let response = try parser.nextResponse() { outcome.items.append(response) }
            }
            while let response = try parser.finish() { outcome.items.append(response) }
        } catch {
            outcome.error = error
        }
        _ = parser.takeUnparsedBytes()
        return outcome
    }
}
