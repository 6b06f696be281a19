import Testing

@testable import WireCodecs

@Suite struct HTTPHeadersTests {
    /// The comparison `namesMatch` replaced: Unicode lowercasing, then canonical equivalence.
    private static func unicodeNamesMatch(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.lowercased() == b.lowercased()
    }

    static let names = [
        "", "Host", "host", "HOST", "HoSt", "Hosu", "Hostt", "Content-Length", "content-length", "CONTENT-LENGTH",
        "Content-Lengti", "Origin", "origin", "X-@[`{", "x-@[`{", "X-`", "X-@", "[", "{", "@", "`",
        "\u{212A}", "k", "K", ";", "\u{037E}", "a\u{037E}", "a;;", "É", "é", "e\u{301}", "\u{1FEF}", "``",
        "Straße", "STRASSE", "strasse",
    ]

    @Test func namesMatchAgreesWithUnicodeLowercasingOnEveryPair() {
        for a in Self.names {
            for b in Self.names {
                #expect(HTTPHeaders.namesMatch(a, b) == Self.unicodeNamesMatch(a, b), "\(a) vs \(b)")
            }
        }
    }

    @Test func namesMatchAgreesOnGeneratedASCIINames() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 0...4, using: &generator)
            let a = String(decoding: (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }, as: UTF8.self)
            // Either a case-flipped copy or an unrelated name of the same length.
            let b: String
            if Bool.random(using: &generator) {
                b = String(a.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })
            } else {
                b = String(decoding: (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }, as: UTF8.self)
            }
            #expect(HTTPHeaders.namesMatch(a, b) == Self.unicodeNamesMatch(a, b), "\(a) vs \(b)")
        }
    }

    @Test func lookupsIgnoreCase() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "X-A": "1", "x-a": "2"]
        #expect(headers["content-type"] == "text/plain")
        #expect(headers.values(for: "X-a") == ["1", "2"])
        headers.replaceOrAdd(name: "X-A", value: "3")
        #expect(headers.values(for: "x-A") == ["3"])
        #expect(headers["Content-Length"] == nil)
    }

    @Test func countOfAgreesWithValues() {
        let headers: HTTPHeaders = ["Host": "a", "X-A": "1", "host": "b", "x-a": "2", "HOST": "c", "Origin": "o"]
        for name in ["Host", "hOsT", "X-A", "Origin", "Content-Length", ""] {
            #expect(headers.count(of: name) == headers.values(for: name).count, "\(name)")
        }
        #expect(headers.count(of: "host") == 3)
        #expect(headers.count(of: "Missing") == 0)
    }
}
