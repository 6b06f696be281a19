/// The byte-level grammar shared by the request and response parsers.
///
/// RFC 9110 §5.6.2 (token), §5.5 (field values), RFC 9112 §2.3 (HTTP-version), §5 (field lines).
enum HTTPSyntax {
    /// `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
    /// / DIGIT / ALPHA` (RFC 9110 §5.6.2).
    static let isTokenByte: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = true }
        for byte in "!#$%&'*+-.^_`|~".utf8 { table[Int(byte)] = true }
        return table
    }()

    static func isToken(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { isTokenByte[Int($0)] }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// `field-vchar = VCHAR / obs-text`, plus SP and HTAB inside a value (RFC 9110 §5.5).
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }

    /// `HTTP-version = "HTTP/" DIGIT "." DIGIT` (RFC 9112 §2.3), or nil when malformed.
    static func parseVersion(_ bytes: ArraySlice<UInt8>) -> HTTPVersion? {
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8) else { return nil }
        let base = bytes.startIndex
        let major = bytes[base + 5]
        let dot = bytes[base + 6]
        let minor = bytes[base + 7]
        guard isDigit(major), dot == UInt8(ascii: "."), isDigit(minor) else { return nil }
        return HTTPVersion(major: Int(major - 0x30), minor: Int(minor - 0x30))
    }

    /// `a + b`, or `Int.max` when that overflows (limits may be configured as `.max`).
    static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    enum FieldError: Error { case obsoleteLineFolding, invalid(name: String?), whitespaceBeforeColon(name: String) }

    /// Parses `field-name ":" OWS field-value OWS` (RFC 9112 §5).
    ///
    /// A line starting with SP/HTAB is obs-fold (§5.2), refused. Whitespace before the colon is
    /// refused (§5.1). The value keeps inner whitespace; it is decoded as UTF-8 when valid, else as
    /// ISO-8859-1 (obs-text bytes map one to one to U+0080...U+00FF).
    static func parseField(_ line: ArraySlice<UInt8>) throws(FieldError) -> (name: String, value: String) {
        guard let first = line.first else { throw .invalid(name: nil) }
        if isWhitespace(first) { throw .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw .invalid(name: nil) }
        let nameBytes = line[line.startIndex..<colon]
        if let last = nameBytes.last, isWhitespace(last) {
            throw .whitespaceBeforeColon(name: decodeText(nameBytes.prefix { !isWhitespace($0) }))
        }
        guard isToken(nameBytes) else {
            throw .invalid(name: nameBytes.isEmpty ? nil : decodeText(nameBytes))
        }
        let name = decodeText(nameBytes)
        var valueStart = colon + 1
        var valueEnd = line.endIndex
        while valueStart < valueEnd && isWhitespace(line[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart && isWhitespace(line[valueEnd - 1]) { valueEnd -= 1 }
        let valueBytes = line[valueStart..<valueEnd]
        guard valueBytes.allSatisfy(isFieldValueByte) else { throw .invalid(name: name) }
        return (name, decodeText(valueBytes))
    }

    /// Parses the field lines of a head into headers, in order, duplicates kept (RFC 9112 §5).
    static func parseHeaderFields(
        _ lines: ArraySlice<Range<Int>>, in input: HTTPInputBuffer
    ) throws(HTTPParseError) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(lines.count)
        for line in lines {
            do {
                let field = try parseField(input.bytes(line))
                headers.add(name: field.name, value: field.value)
            } catch {
                switch error {
                case .obsoleteLineFolding: throw .obsoleteLineFolding
                case .invalid(let name): throw .invalidHeader(name: name)
                case .whitespaceBeforeColon(let name): throw .whitespaceBeforeColon(name: name)
                }
            }
        }
        return headers
    }

    /// UTF-8 text when valid, else ISO-8859-1.
    static func decodeText(_ bytes: ArraySlice<UInt8>) -> String {
        // Hot path (every header name and value): ASCII is valid UTF-8, so decoding is the same
        // text without the generic validating initialiser.
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var text = String()
        text.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return text
    }
}
