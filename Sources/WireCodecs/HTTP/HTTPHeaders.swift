/// HTTP header fields in arrival order, duplicates kept; names compare case-insensitively.
///
/// RFC 9110 §5.3: a recipient MUST NOT combine repeated fields except where the field is a list,
/// so nothing is collapsed here: `values(for:)` returns every occurrence.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }
    public init(_ fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    /// Makes room for `count` fields in all, so that many `add` calls allocate once.
    public mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(count) }

    /// Appends a field, keeping any earlier field of the same name.
    public mutating func add(name: String, value: String) { fields.append((name: name, value: value)) }

    /// Replaces every field of this name with one field.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    public mutating func remove(name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// The first value of the field, or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.namesMatch($0.name, name) }?.value
    }

    /// Every value of the field, in order.
    public func values(for name: String) -> [String] {
        // One pass and one array, none when the field is absent (a lookup runs several times per request).
        var values: [String] = []
        for field in fields where Self.namesMatch(field.name, name) {
            values.append(field.value)
        }
        return values
    }

    /// How many fields of this name there are, without collecting their values.
    public func count(of name: String) -> Int {
        var count = 0
        for field in fields where Self.namesMatch(field.name, name) {
            count += 1
        }
        return count
    }

    /// The comma-separated list elements of every occurrence of the field, trimmed and lowercased
    /// (RFC 9110 §5.6.1), e.g. the tokens of `Connection` or `Upgrade`.
    public func tokens(for name: String) -> [String] {
        values(for: name).flatMap { $0.split(separator: ",") }
            .map { $0.trimmingWhitespace().lowercased() }
            .filter { !$0.isEmpty }
    }

    static func namesMatch(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        // Hot path (every header lookup): two ASCII names compare byte by byte, folding A-Z, with
        // no allocation. Anything non-ASCII takes the Unicode comparison, so results are unchanged.
        var isEqual = true
        for (x, y) in zip(a.utf8, b.utf8) {
            if x >= 0x80 || y >= 0x80 { return a.lowercased() == b.lowercased() }
            if isEqual && x != y && asciiLowercase(x) != asciiLowercase(y) { isEqual = false }
        }
        return isEqual
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and horizontal tabs (HTTP's OWS).
    func trimmingWhitespace() -> String {
        let bytes = Array(utf8)
        guard let start = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let end = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
