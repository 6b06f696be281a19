/// Strict JSON parser (RFC 8259): exactly one value, no extensions, UTF-8 input, a depth limit.
///
/// Refused, each with a precise `JSONParseError`: trailing commas, comments, `NaN`/`Infinity`,
/// leading zeros, unescaped control characters, malformed UTF-8, lone surrogates in `\u` escapes,
/// numbers beyond the range of a double, and nesting deeper than `maxDepth` (arrays and objects).
/// Object members keep their order, duplicates included (see `JSONValue`).
public enum JSONParser {
    /// Parses one JSON text from UTF-8 bytes. RFC 8259 §2.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            parse(buffer: buffer, maxDepth: maxDepth)
        }
        if let contiguous { return try contiguous.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { parse(buffer: $0, maxDepth: maxDepth) }.get()
    }

    /// Parses one JSON text held in a string. RFC 8259 §2.
    public static func parse(_ text: String, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { parse(buffer: $0, maxDepth: maxDepth) }.get()
    }

    /// Parses one JSON text in a buffer; offsets in errors are relative to the buffer's start.
    static func parse(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<JSONValue, JSONParseError> {
        var reader = JSONReader(bytes: buffer, maxDepth: maxDepth)
        do throws(JSONParseError) {
            return .success(try reader.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}

/// The recursive-descent reader behind `JSONParser`, over a borrowed byte buffer.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var index = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw JSONParseError(.emptyInput, offset: index) }
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw JSONParseError(.trailingContent, offset: index) }
        return value
    }

    // MARK: Values

    @inline(__always)
    private mutating func skipWhitespace() {
        // RFC 8259 §2: ws = *( %x20 / %x09 / %x0A / %x0D )
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw JSONParseError(.unexpectedEndOfInput, offset: index) }
        switch bytes[index] {
        case 0x7B: return try parseObject()                 // {
        case 0x5B: return try parseArray()                  // [
        case 0x22: return .string(try parseString())        // "
        case 0x2D, 0x30...0x39: return .number(try parseNumber())  // - 0-9
        case 0x74: try expectLiteral("true"); return .bool(true)
        case 0x66: try expectLiteral("false"); return .bool(false)
        case 0x6E: try expectLiteral("null"); return .null
        case let byte: throw JSONParseError(.unexpectedByte(byte, expected: "a value"), offset: index)
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = index
        let count = literal.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for offset in 0..<count {
            guard start + offset < bytes.count else { throw JSONParseError(.unexpectedEndOfInput, offset: start + offset) }
            guard bytes[start + offset] == expected[offset] else { throw JSONParseError(.invalidLiteral, offset: start) }
        }
        index = start + count
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        guard depth <= maxDepth else { throw JSONParseError(.depthLimitExceeded(limit: maxDepth), offset: index) }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == 0x5D {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            if try endOfElement(closing: 0x5D, expected: "',' or ']'") { return .array(elements) }
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        index += 1  // {
        var members: [JSONMember] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == 0x7D {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            guard index < bytes.count else { throw JSONParseError(.unexpectedEndOfInput, offset: index) }
            guard bytes[index] == 0x22 else {
                throw JSONParseError(.unexpectedByte(bytes[index], expected: "a string (member name)"), offset: index)
            }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count else { throw JSONParseError(.unexpectedEndOfInput, offset: index) }
            guard bytes[index] == 0x3A else {
                throw JSONParseError(.unexpectedByte(bytes[index], expected: "':'"), offset: index)
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            members.append(JSONMember(key, value))
            if try endOfElement(closing: 0x7D, expected: "',' or '}'") { return .object(members) }
        }
    }

    /// After an array element or object member: consumes `,` (false: another one must follow, and a
    /// `closing` right after is a trailing comma) or `closing` (true: the container ended).
    private mutating func endOfElement(closing: UInt8, expected: String) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw JSONParseError(.unexpectedEndOfInput, offset: index) }
        switch bytes[index] {
        case 0x2C:  // ,
            index += 1
            skipWhitespace()
            if index < bytes.count && bytes[index] == closing { throw JSONParseError(.trailingComma, offset: index) }
            return false
        case closing:
            index += 1
            depth -= 1
            return true
        case let byte:
            throw JSONParseError(.unexpectedByte(byte, expected: expected), offset: index)
        }
    }

    // MARK: Strings (RFC 8259 §7)

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes, so the string is a slice of the input.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            } else if byte == 0x5C {
                return try parseEscapedString(from: start)
            } else if byte < 0x20 {
                throw JSONParseError(.controlCharacterInString(byte), offset: index)
            } else if byte < 0x80 {
                index += 1
            } else {
                index += try utf8SequenceLength()
            }
        }
        throw JSONParseError(.unexpectedEndOfInput, offset: index)
    }

    @inline(__always)
    private func utf8SequenceLength() throws(JSONParseError) -> Int {
        guard let length = UTF8Validator.sequenceLength(in: bytes, at: index) else {
            throw JSONParseError(.invalidUTF8, offset: index)
        }
        return length
    }

    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        var output = [UInt8]()
        output.reserveCapacity(index - start + 16)
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x22:
                index += 1
                return String(decoding: output, as: UTF8.self)
            case 0x5C:
                try appendEscape(to: &output)
            case 0x00..<0x20:
                throw JSONParseError(.controlCharacterInString(byte), offset: index)
            case 0x20..<0x80:
                output.append(byte)
                index += 1
            default:
                let length = try utf8SequenceLength()
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
                index += length
            }
        }
        throw JSONParseError(.unexpectedEndOfInput, offset: index)
    }

    private mutating func appendEscape(to output: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = index
        index += 1  // backslash
        guard index < bytes.count else { throw JSONParseError(.unexpectedEndOfInput, offset: index) }
        let byte = bytes[index]
        index += 1
        switch byte {
        case 0x22, 0x5C, 0x2F: output.append(byte)  // \" \\ \/
        case 0x62: output.append(0x08)              // \b
        case 0x66: output.append(0x0C)              // \f
        case 0x6E: output.append(0x0A)              // \n
        case 0x72: output.append(0x0D)              // \r
        case 0x74: output.append(0x09)              // \t
        case 0x75:                                  // \uXXXX
            let unit = try readHex4()
            var scalarValue = UInt32(unit)
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate must be followed by `\u` and a low surrogate (RFC 8259 §7).
                guard index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else {
                    throw JSONParseError(.loneSurrogate(unit), offset: escapeStart)
                }
                let lowStart = index
                index += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    index = lowStart
                    throw JSONParseError(.loneSurrogate(unit), offset: escapeStart)
                }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            case 0xDC00...0xDFFF:
                throw JSONParseError(.loneSurrogate(unit), offset: escapeStart)
            default:
                break
            }
            appendUTF8(scalarValue, to: &output)
        default:
            throw JSONParseError(.invalidEscape(byte), offset: escapeStart)
        }
    }

    private mutating func readHex4() throws(JSONParseError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw JSONParseError(.unexpectedEndOfInput, offset: index) }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw JSONParseError(.invalidUnicodeEscape, offset: index)
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    @inline(__always)
    private func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Numbers (RFC 8259 §6)

    @inline(__always)
    private func isDigit(at position: Int) -> Bool {
        position < bytes.count && bytes[position] >= 0x30 && bytes[position] <= 0x39
    }

    private mutating func parseNumber() throws(JSONParseError) -> Double {
        // number = [ minus ] int [ frac ] [ exp ]
        let start = index
        let isNegative = bytes[index] == 0x2D
        if isNegative { index += 1 }
        guard index < bytes.count else { throw JSONParseError(.invalidNumber("digit expected after '-'"), offset: index) }
        var integer: Int64 = 0
        var digitCount = 0
        if bytes[index] == 0x30 {
            index += 1
            digitCount = 1
            if isDigit(at: index) { throw JSONParseError(.leadingZero, offset: index - 1) }
        } else if isDigit(at: index) {
            while isDigit(at: index) {
                if digitCount < 18 { integer = integer &* 10 &+ Int64(bytes[index] - 0x30) }
                digitCount += 1
                index += 1
            }
        } else {
            throw JSONParseError(.invalidNumber("digit expected"), offset: index)
        }
        var isInteger = true
        if index < bytes.count && bytes[index] == 0x2E {  // .
            index += 1
            guard isDigit(at: index) else { throw JSONParseError(.invalidNumber("digit expected after '.'"), offset: index) }
            while isDigit(at: index) { index += 1 }
            isInteger = false
        }
        if index < bytes.count && (bytes[index] == 0x65 || bytes[index] == 0x45) {  // e E
            index += 1
            if index < bytes.count && (bytes[index] == 0x2B || bytes[index] == 0x2D) { index += 1 }
            guard isDigit(at: index) else { throw JSONParseError(.invalidNumber("digit expected in the exponent"), offset: index) }
            while isDigit(at: index) { index += 1 }
            isInteger = false
        }
        // Integers of up to 15 digits are below 2^53, so the conversion is exact.
        if isInteger && digitCount <= 15 {
            return isNegative ? -Double(integer) : Double(integer)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONParseError(.numberOutOfRange, offset: start)
        }
        return value
    }
}
