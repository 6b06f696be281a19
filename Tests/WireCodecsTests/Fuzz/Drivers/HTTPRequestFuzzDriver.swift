import WireCodecs

/// Fuzz target `http-request`: `HTTPRequestParser` over a stream of pipelined requests.
///
/// RFC 9112. Invariant: the requests and the error are the same however the stream is cut into
/// `append` calls (whole, byte at a time, data-derived chunks).
enum HTTPRequestFuzzDriver {
    static func run(_ input: [UInt8]) -> [String] {
        var check = FuzzCheck()
        let reference = parse(input, split: .whole)
        for split in [FuzzSplit.byteAtATime, .dataDerived] {
            let outcome = parse(input, split: split)
            check.expect(
                outcome == reference,
                "http-request \(split): \(outcome.items.count) requests, error \(String(describing: outcome.error)); "
                    + "whole: \(reference.items.count) requests, error \(String(describing: reference.error))")
        }
        return check.findings
    }

    static func parse(_ input: [UInt8], split: FuzzSplit) -> FuzzOutcome<HTTPRequest, HTTPParseError> {
        var parser = HTTPRequestParser()
        var outcome = FuzzOutcome<HTTPRequest, HTTPParseError>()
        for chunk in split.chunks(of: input) {
            parser.append(chunk)
            do {
                while let request = try parser.nextRequest() { outcome.items.append(request) }
            } catch {
                outcome.error = error
                return outcome
            }
        }
        _ = parser.takeUnparsedBytes()
        return outcome
    }
}
