/// Finds the end of a message head (or trailer section) incrementally, recording its lines.
///
/// RFC 9112 §2.2: lines end with CRLF; a bare LF is also accepted as a line terminator (the MAY in
/// §2.2), so `GET / HTTP/1.1\n\n` is a complete head. A CR not followed by LF stays in the line and is
/// refused by the line's grammar later. With `skipsLeadingEmptyLines`, empty lines before the start
/// line are ignored (§2.2: a server SHOULD ignore at least one). The whole head, leading empty lines
/// included, must fit in `maxSize` bytes; this is checked as bytes arrive, so an endless head is
/// refused once `maxSize` bytes are buffered, never after buffering it all.
struct HTTPHeadScanner: Sendable {
    /// Each complete non-empty line so far, without its CRLF or LF (offsets from the message start).
    private(set) var lines: [Range<Int>] = []
    private var lineStart: Int
    private var scanOffset: Int
    private var isSkippingLeadingEmptyLines: Bool
    private let initialOffset: Int

    /// A scanner for a head beginning `offset` bytes after the message start.
    init(offset: Int = 0, skipsLeadingEmptyLines: Bool) {
        lineStart = offset
        scanOffset = offset
        initialOffset = offset
        isSkippingLeadingEmptyLines = skipsLeadingEmptyLines
    }

    /// `tooLarge(isInFirstLine:)` says whether the size ran out inside the first (start) line.
    enum Overflow: Error {
        case tooLarge(isInFirstLine: Bool)
        case tooManyLines
    }

    /// Scans newly received bytes; returns the offset just past the empty line ending the head, or
    /// nil when more bytes are needed.
    mutating func scan(_ input: HTTPInputBuffer, maxSize: Int, maxLines: Int) throws(Overflow) -> Int? {
        let available = input.count
        let limitEnd = HTTPSyntax.saturatingSum(initialOffset, maxSize)
        if isSkippingLeadingEmptyLines {
            while scanOffset < available && scanOffset < limitEnd {
                let byte = input[scanOffset]
                if byte == 0x0A {
                    scanOffset += 1
                } else if byte == 0x0D {
                    guard scanOffset + 1 < available else { return nil }
                    guard input[scanOffset + 1] == 0x0A else { break }
                    scanOffset += 2
                } else {
                    break
                }
                lineStart = scanOffset
            }
            if scanOffset < available && scanOffset < limitEnd { isSkippingLeadingEmptyLines = false }
        }
        while true {
            let searchEnd = min(available, limitEnd)
            guard let lineFeed = input.firstLineFeed(from: scanOffset, to: searchEnd) else {
                scanOffset = max(scanOffset, searchEnd)
                if available >= limitEnd {
                    throw .tooLarge(isInFirstLine: lines.isEmpty && !isSkippingLeadingEmptyLines)
                }
                return nil
            }
            var lineEnd = lineFeed
            if lineEnd > lineStart && input[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            scanOffset = lineFeed + 1
            if lineEnd == lineStart && !isSkippingLeadingEmptyLines { return scanOffset }
            // One allocation for a typical head (a start line and a handful of fields), not four.
            if lines.isEmpty { lines.reserveCapacity(16) }
            lines.append(lineStart..<lineEnd)
            if lines.count > maxLines { throw .tooManyLines }
            lineStart = scanOffset
        }
    }
}

extension HTTPHeadScanner {
    /// `scan` with a message head's limits (at most `httpMaxHeadSize` bytes; the start line and at
    /// most `httpMaxHeaderCount` field lines), overflow thrown as `.tooManyHeaders`, or as
    /// `firstLineTooLong` when the size ran out in the start line and `.headTooLarge` after it.
    mutating func scanHead(
        _ input: HTTPInputBuffer, limits: WireLimits, firstLineTooLong: HTTPParseError
    ) throws(HTTPParseError) -> Int? {
        do {
            return try scan(input, maxSize: limits.httpMaxHeadSize, maxLines: HTTPSyntax.saturatingSum(limits.httpMaxHeaderCount, 1))
        } catch {
            switch error {
            case .tooLarge(let isInFirstLine): throw isInFirstLine ? firstLineTooLong : .headTooLarge
            case .tooManyLines: throw .tooManyHeaders
            }
        }
    }
}
