/// Why an HTTP/1.1 message head or body was refused, with the status a server answers.
///
/// RFC 9112 (message syntax and framing), RFC 9110 §15 (status codes). Each case names one rule; the
/// case names are also the `"error"` strings of `Spec/vectors/http.json`.
public enum HTTPParseError: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The request-line is not `method SP request-target SP HTTP-version` (RFC 9112 §3).
    case invalidRequestLine
    /// The method is not a token (RFC 9110 §9.1).
    case invalidMethod
    /// The request-target holds a byte outside visible ASCII (RFC 9112 §3.2).
    case invalidTarget
    /// The request-line alone exceeds `httpMaxHeadSize` (RFC 9112 §3: 414).
    case targetTooLong
    /// The status-line is not `HTTP-version SP 3DIGIT SP reason-phrase` (RFC 9112 §4).
    case invalidStatusLine
    /// A well-formed version other than HTTP/1.0 or HTTP/1.1 (RFC 9110 §15.6.6: 505).
    case unsupportedVersion
    /// A field line that is not `field-name ":" OWS field-value OWS`, or a name/value with a forbidden
    /// byte (RFC 9112 §5, RFC 9110 §5.5). Carries the field name when it could be read.
    case invalidHeader(name: String?)
    /// Whitespace between a field name and its colon (RFC 9112 §5.1: MUST reject with 400).
    case whitespaceBeforeColon(name: String)
    /// A line starting with SP or HTAB inside the head (obs-fold, RFC 9112 §5.2: rejected with 400).
    case obsoleteLineFolding
    /// An HTTP/1.1 request without Host, or any request with more than one (RFC 9112 §3.2: 400).
    case invalidHost
    /// The head (start line + fields + empty line) exceeds `httpMaxHeadSize` (RFC 6585 §5: 431).
    case headTooLarge
    /// More than `httpMaxHeaderCount` field lines (RFC 6585 §5: 431).
    case tooManyHeaders
    /// Content-Length is not 1*DIGIT (RFC 9110 §8.6, RFC 9112 §6.3 rule 5).
    case invalidContentLength
    /// Several Content-Length values that differ (RFC 9112 §6.3 rule 5).
    case conflictingContentLengths
    /// Both Transfer-Encoding and Content-Length (RFC 9112 §6.1: a request-smuggling vector; refused).
    case contentLengthWithTransferEncoding
    /// A transfer coding list other than exactly `chunked` (RFC 9112 §6.1: 501).
    case unsupportedTransferEncoding
    /// Transfer-Encoding in an HTTP/1.0 message (RFC 9112 §6.1: framing is faulty).
    case transferEncodingInHTTP10
    /// A chunk-size line that is not `1*HEXDIG [ chunk-ext ]`, or longer than `httpMaxHeadSize`
    /// (RFC 9112 §7.1).
    case invalidChunkSize
    /// Chunk data not followed by CRLF (RFC 9112 §7.1).
    case invalidChunkEnd
    /// A malformed trailer field line (RFC 9112 §7.1.2).
    case invalidTrailer
    /// The trailer section exceeds `httpMaxHeadSize` or `httpMaxHeaderCount` (431).
    case trailersTooLarge
    /// The body (Content-Length, or the sum of chunks, or bytes until close) exceeds
    /// `httpMaxBodySize` (RFC 9110 §15.5.14: 413).
    case bodyTooLarge
    /// The stream ended inside a message whose end is not the end of the stream (RFC 9112 §8).
    case unexpectedEndOfStream

    /// The HTTP status a server answers with before closing the connection.
    public var status: Int {
        switch self {
        case .targetTooLong: 414
        case .unsupportedVersion: 505
        case .headTooLarge, .tooManyHeaders, .trailersTooLarge: 431
        case .unsupportedTransferEncoding: 501
        case .bodyTooLarge: 413
        default: 400
        }
    }

    /// A short human-readable reason, suitable for a response body or a log line.
    public var reason: String {
        switch self {
        case .invalidRequestLine: "malformed request-line"
        case .invalidMethod: "method is not a token"
        case .invalidTarget: "request-target contains a forbidden byte"
        case .targetTooLong: "request-target too long"
        case .invalidStatusLine: "malformed status-line"
        case .unsupportedVersion: "HTTP version not supported"
        case .invalidHeader(let name?): "malformed header field \(name)"
        case .invalidHeader(nil): "malformed header field line"
        case .whitespaceBeforeColon(let name): "whitespace between header field name \(name) and colon"
        case .obsoleteLineFolding: "obsolete line folding is not accepted"
        case .invalidHost: "missing or repeated Host header field"
        case .headTooLarge: "message head too large"
        case .tooManyHeaders: "too many header fields"
        case .invalidContentLength: "malformed Content-Length"
        case .conflictingContentLengths: "differing Content-Length values"
        case .contentLengthWithTransferEncoding: "both Transfer-Encoding and Content-Length"
        case .unsupportedTransferEncoding: "transfer coding not implemented (only chunked)"
        case .transferEncodingInHTTP10: "Transfer-Encoding in an HTTP/1.0 message"
        case .invalidChunkSize: "malformed chunk-size line"
        case .invalidChunkEnd: "chunk data not followed by CRLF"
        case .invalidTrailer: "malformed trailer field"
        case .trailersTooLarge: "trailer section too large"
        case .bodyTooLarge: "message body too large"
        case .unexpectedEndOfStream: "connection closed inside a message"
        }
    }

    /// The case name without associated values, as used by the golden vectors (e.g. `"invalidHeader"`).
    public var caseName: String {
        switch self {
        case .invalidHeader: "invalidHeader"
        case .whitespaceBeforeColon: "whitespaceBeforeColon"
        case .invalidRequestLine: "invalidRequestLine"
        case .invalidMethod: "invalidMethod"
        case .invalidTarget: "invalidTarget"
        case .targetTooLong: "targetTooLong"
        case .invalidStatusLine: "invalidStatusLine"
        case .unsupportedVersion: "unsupportedVersion"
        case .obsoleteLineFolding: "obsoleteLineFolding"
        case .invalidHost: "invalidHost"
        case .headTooLarge: "headTooLarge"
        case .tooManyHeaders: "tooManyHeaders"
        case .invalidContentLength: "invalidContentLength"
        case .conflictingContentLengths: "conflictingContentLengths"
        case .contentLengthWithTransferEncoding: "contentLengthWithTransferEncoding"
        case .unsupportedTransferEncoding: "unsupportedTransferEncoding"
        case .transferEncodingInHTTP10: "transferEncodingInHTTP10"
        case .invalidChunkSize: "invalidChunkSize"
        case .invalidChunkEnd: "invalidChunkEnd"
        case .invalidTrailer: "invalidTrailer"
        case .trailersTooLarge: "trailersTooLarge"
        case .bodyTooLarge: "bodyTooLarge"
        case .unexpectedEndOfStream: "unexpectedEndOfStream"
        }
    }

    public var description: String { "\(status) \(reason)" }
}
