/// Bytes received but not yet handed out as a whole message, read through offsets from the start
/// of the current message.
///
/// Consuming a message moves `start` forward instead of removing bytes from the front; the storage
/// is compacted only when the consumed prefix is large, so each byte is moved O(1) times amortised.
struct HTTPInputBuffer: Sendable {
    private var storage: [UInt8] = []
    /// Index in `storage` of the first byte of the current (not yet returned) message.
    private var start = 0

    /// Bytes from the start of the current message to the end of what has been received.
    var count: Int { storage.count - start }

    mutating func append(_ bytes: some Collection<UInt8>) {
        compactIfWorthwhile()
        storage.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfWorthwhile()
        storage.append(contentsOf: bytes)
    }

    /// The byte at `offset` from the start of the current message; `offset` must be below `count`.
    subscript(offset: Int) -> UInt8 { storage[start + offset] }

    /// The bytes in `range` (offsets from the start of the current message).
    func bytes(_ range: Range<Int>) -> ArraySlice<UInt8> {
        storage[(start + range.lowerBound)..<(start + range.upperBound)]
    }

    /// The offset of the first LF in `from..<to`, or nil.
    func firstLineFeed(from: Int, to: Int) -> Int? {
        guard from < to else { return nil }
        let base = start
        return storage.withUnsafeBufferPointer { pointer -> Int? in
            var index = base + from
            let end = base + to
            while index < end {
                if pointer[index] == 0x0A { return index - base }
                index += 1
            }
            return nil
        }
    }

    /// Ends the current message `length` bytes after its start; the next message starts there.
    mutating func consume(_ length: Int) {
        start += length
    }

    /// Removes and returns every byte from the start of the current message on.
    mutating func takeAll() -> [UInt8] {
        let rest = Array(storage[start...])
        storage.removeAll(keepingCapacity: false)
        start = 0
        return rest
    }

    private mutating func compactIfWorthwhile() {
        if start == storage.count {
            storage.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= 4096 && start * 2 >= storage.count {
            storage.removeSubrange(0..<start)
            start = 0
        }
    }
}
