/// Reads one message body after its head: none, a fixed length, chunked, or until the connection closes.
///
/// RFC 9112 §6.3 (message body length), §7.1 (chunked transfer coding). Offsets are from the start
/// of the message in the `HTTPInputBuffer`; raw bytes stay there until the whole message is returned.
struct HTTPBodyDecoder: Sendable {
    enum Framing: Sendable, Equatable {
        case none
        case length(Int)
        case chunked
        case untilClose
    }

    private enum State: Sendable {
        case fixed(length: Int)
        case chunkSizeLine
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(HTTPHeadScanner)
        case untilClose
        case complete
    }

    private var state: State
    private var body: [UInt8] = []
    /// Where decoding continues, from the message start.
    private var offset: Int
    /// Where the search for the current chunk-size line's LF continues.
    private var lineScanOffset: Int
    private let maxBodySize: Int
    private let maxLineSize: Int
    private let maxTrailerCount: Int

    /// A decoder for a body beginning `offset` bytes after the message start.
    init(framing: Framing, offset: Int, limits: WireLimits) {
        switch framing {
        case .none: state = .fixed(length: 0)
        case .length(let length): state = .fixed(length: length)
        case .chunked: state = .chunkSizeLine
        case .untilClose: state = .untilClose
        }
        self.offset = offset
        lineScanOffset = offset
        maxBodySize = limits.httpMaxBodySize
        maxLineSize = limits.httpMaxHeadSize
        maxTrailerCount = limits.httpMaxHeaderCount
    }

    /// A decoder with nothing to read, used before any head has been parsed.
    static var idle: HTTPBodyDecoder { HTTPBodyDecoder(framing: .none, offset: 0, limits: .standard) }

    /// Decodes what has arrived; returns the message length (offset just past the body) once the
    /// body is complete, else nil.
    mutating func decode(_ input: HTTPInputBuffer) throws(HTTPParseError) -> Int? {
        while true {
            switch state {
            case .complete:
                return offset
            case .fixed(let length):
                guard input.count - offset >= length else { return nil }
                body = Array(input.bytes(offset..<(offset + length)))
                offset += length
                state = .complete
            case .untilClose:
                if input.count - offset > maxBodySize { throw .bodyTooLarge }
                return nil
            case .chunkSizeLine:
                guard try readChunkSizeLine(input) else { return nil }
            case .chunkData(let remaining):
                let taken = min(remaining, input.count - offset)
                body.append(contentsOf: input.bytes(offset..<(offset + taken)))
                offset += taken
                guard taken == remaining else {
                    state = .chunkData(remaining: remaining - taken)
                    return nil
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (bare LF tolerated, §2.2).
                guard input.count > offset else { return nil }
                if input[offset] == 0x0A {
                    offset += 1
                } else if input[offset] == 0x0D {
                    guard input.count > offset + 1 else { return nil }
                    guard input[offset + 1] == 0x0A else { throw .invalidChunkEnd }
                    offset += 2
                } else {
                    throw .invalidChunkEnd
                }
                lineScanOffset = offset
                state = .chunkSizeLine
            case .trailers(var scanner):
                // trailer-section = *( field-line CRLF ); parsed, checked, and discarded (§7.1.2).
                state = .complete  // Releases the scanner's storage while it is mutated.
                let end: Int?
                do {
                    end = try scanner.scan(input, maxSize: maxLineSize, maxLines: maxTrailerCount)
                } catch {
                    throw .trailersTooLarge
                }
                guard let end else {
                    state = .trailers(scanner)
                    return nil
                }
                for line in scanner.lines {
                    do { _ = try HTTPSyntax.parseField(input.bytes(line)) } catch { throw .invalidTrailer }
                }
                offset = end
                state = .complete
            }
        }
    }

    /// `chunk-size [ chunk-ext ] CRLF` (RFC 9112 §7.1, §7.1.1): extensions are checked loosely and
    /// ignored. The size is refused as soon as it would take the body over `maxBodySize`, so no
    /// number of hex digits can overflow.
    private mutating func readChunkSizeLine(_ input: HTTPInputBuffer) throws(HTTPParseError) -> Bool {
        let lineLimit = HTTPSyntax.saturatingSum(offset, maxLineSize)
        let searchEnd = min(input.count, lineLimit)
        guard let lineFeed = input.firstLineFeed(from: lineScanOffset, to: searchEnd) else {
            lineScanOffset = max(lineScanOffset, searchEnd)
            if input.count >= lineLimit { throw .invalidChunkSize }
            return false
        }
        var lineEnd = lineFeed
        if lineEnd > offset && input[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let line = input.bytes(offset..<lineEnd)
        var index = line.startIndex
        var size = 0
        var isTooLarge = false
        while index < line.endIndex, let digit = Self.hexValue(line[index]) {
            if !isTooLarge {
                if size > (maxBodySize - digit) / 16 {
                    isTooLarge = true
                } else {
                    size = size * 16 + digit
                }
            }
            index += 1
        }
        guard index > line.startIndex else { throw .invalidChunkSize }
        while index < line.endIndex && HTTPSyntax.isWhitespace(line[index]) { index += 1 }
        if index < line.endIndex {
            guard line[index] == UInt8(ascii: ";"),
                line[(index + 1)...].allSatisfy(HTTPSyntax.isFieldValueByte)
            else { throw .invalidChunkSize }
        }
        if isTooLarge || size > maxBodySize - body.count { throw .bodyTooLarge }
        offset = lineFeed + 1
        lineScanOffset = offset
        state =
            size == 0
            ? .trailers(HTTPHeadScanner(offset: offset, skipsLeadingEmptyLines: false)) : .chunkData(remaining: size)
        return true
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// At end of stream: completes a read-until-close body (returning the message length), or
    /// refuses a body cut short.
    mutating func finishAtEndOfStream(_ input: HTTPInputBuffer) throws(HTTPParseError) -> Int {
        switch state {
        case .complete:
            return offset
        case .untilClose:
            if input.count - offset > maxBodySize { throw .bodyTooLarge }
            body = Array(input.bytes(offset..<input.count))
            offset = input.count
            state = .complete
            return offset
        default:
            throw .unexpectedEndOfStream
        }
    }

    /// The decoded body, once `decode` or `finishAtEndOfStream` returned a length.
    mutating func takeBody() -> [UInt8] {
        defer { body = [] }
        return body
    }
}

extension HTTPBodyDecoder.Framing {
    /// The body framing announced by a head (RFC 9112 §6.1, §6.3 rules 3 to 7).
    ///
    /// Both Transfer-Encoding and Content-Length are refused (a request-smuggling vector), as is any
    /// coding list other than exactly `chunked`, and Transfer-Encoding in HTTP/1.0. Content-Length
    /// must be digits; repeated identical values (also `5, 5`) are accepted, differing ones refused,
    /// and a length over `maxBodySize` is refused before any body byte is buffered.
    static func announced(
        by headers: HTTPHeaders, version: HTTPVersion, otherwise fallback: Self, maxBodySize: Int
    ) throws(HTTPParseError) -> Self {
        let contentLengths = headers.values(for: "Content-Length")
        let transferEncodings = headers.values(for: "Transfer-Encoding")
        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty { throw .contentLengthWithTransferEncoding }
            if version == .http1_0 { throw .transferEncodingInHTTP10 }
            guard headers.tokens(for: "Transfer-Encoding") == ["chunked"] else { throw .unsupportedTransferEncoding }
            return .chunked
        }
        guard !contentLengths.isEmpty else { return fallback }
        // Hot path: one Content-Length of plain digits (field values arrive trimmed), the same
        // verdict as the general rules below without splitting, trimming or converting Strings.
        if contentLengths.count == 1 {
            switch plainLength(contentLengths[0], maxBodySize: maxBodySize) {
            case .length(let length): return length == 0 ? .none : .length(length)
            case .tooLarge: throw .bodyTooLarge
            case .notPlain: break
            }
        }
        var digits: Substring?
        for element in contentLengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let trimmed = Substring(element.trimmingWhitespace())
            guard !trimmed.isEmpty, trimmed.utf8.allSatisfy(HTTPSyntax.isDigit) else { throw .invalidContentLength }
            let significant = trimmed.drop { $0 == "0" }
            if let digits, digits != significant { throw .conflictingContentLengths }
            digits = significant
        }
        guard let digits else { throw .invalidContentLength }
        // More digits than maxBodySize has cannot fit; fewer cannot overflow Int.
        guard digits.utf8.count <= String(maxBodySize).utf8.count, let length = Int(digits.isEmpty ? "0" : digits),
            length <= maxBodySize
        else { throw .bodyTooLarge }
        return length == 0 ? .none : .length(length)
    }

    private enum PlainLength {
        case length(Int)
        case tooLarge
        /// Empty, or not only ASCII digits: left to the general rules.
        case notPlain
    }

    /// A Content-Length value made of ASCII digits only, read against `maxBodySize`.
    private static func plainLength(_ value: String, maxBodySize: Int) -> PlainLength {
        var length = 0
        var isTooLarge = false
        var isEmpty = true
        for byte in value.utf8 {
            guard HTTPSyntax.isDigit(byte) else { return .notPlain }
            isEmpty = false
            if isTooLarge { continue }
            // Once past maxBodySize (or Int), more digits only grow it: refused whatever follows.
            let (times10, isOverflow) = length.multipliedReportingOverflow(by: 10)
            let (sum, isSumOverflow) = times10.addingReportingOverflow(Int(byte - 0x30))
            if isOverflow || isSumOverflow || sum > maxBodySize { isTooLarge = true } else { length = sum }
        }
        if isEmpty { return .notPlain }
        return isTooLarge ? .tooLarge : .length(length)
    }
}
