import Testing

@testable import WireCodecs

@Suite struct HTTPBodyDecoderTests {
    /// The general Content-Length rule (RFC 9110 §8.6) for one field value, as written before the
    /// plain-digits fast path: split on commas, trim, digits only, equal values, then the size limit.
    static func generalRule(_ value: String, maxBodySize: Int) -> Result<Int, HTTPParseError> {
        var digits: Substring?
        for element in value.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = Substring(element.trimmingWhitespace())
            guard !trimmed.isEmpty, trimmed.utf8.allSatisfy(HTTPSyntax.isDigit) else { return .failure(.invalidContentLength) }
            let significant = trimmed.drop { $0 == "0" }
            if let digits, digits != significant { return .failure(.conflictingContentLengths) }
            digits = significant
        }
        guard let digits else { return .failure(.invalidContentLength) }
        guard digits.utf8.count <= String(maxBodySize).utf8.count, let length = Int(digits.isEmpty ? "0" : digits),
            length <= maxBodySize
        else { return .failure(.bodyTooLarge) }
        return .success(length)
    }

    static func announcedLength(_ value: String, maxBodySize: Int) -> Result<Int, HTTPParseError> {
        do throws(HTTPParseError) {
            let headers: HTTPHeaders = ["Content-Length": value]
            switch try HTTPBodyDecoder.Framing.announced(by: headers, version: .http1_1, otherwise: .none, maxBodySize: maxBodySize) {
            case .none: return .success(0)
            case .length(let length): return .success(length)
            default: return .failure(.invalidContentLength)
            }
        } catch {
            return .failure(error)
        }
    }

    static let limits = [-1, 0, 1, 5, 9, 10, 99, 100, 65_536, 1 << 20, Int.max]
    static let values = [
        "", "0", "00", "000000000000000000000000000001", "1", "5", "05", "6", "9", "10", "11", "99", "100", "101",
        "65536", "65537", "1048576", "1048577", "9223372036854775807", "9223372036854775808",
        "99999999999999999999999", "0009223372036854775807", "1 ", " 1", "1,1", "1, 1", "1,2", "+1", "-1", "1a", "١",
    ]

    @Test(arguments: limits)
    func plainDigitsGiveTheGeneralRulesVerdict(maxBodySize: Int) {
        for value in Self.values {
            #expect(Self.announcedLength(value, maxBodySize: maxBodySize) == Self.generalRule(value, maxBodySize: maxBodySize),
                    "\(value) with limit \(maxBodySize)")
        }
    }
}
