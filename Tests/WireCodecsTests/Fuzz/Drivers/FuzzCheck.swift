/// Collects the invariants a fuzz driver found broken on one input.
///
/// Drivers never trap on a broken invariant themselves: the libFuzzer entry (`Fuzz/Support`) turns
/// findings into a crash so the input is saved, and `FuzzRegressionTests` turns them into a failed
/// expectation. A trap inside a codec still crashes both, which is what the fuzzer looks for.
struct FuzzCheck {
    private(set) var findings: [String] = []

    /// Records `message` when `condition` is false.
    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { findings.append(message()) }
    }
}

/// How a driver cuts an input into `append` calls, to exercise the incremental paths.
enum FuzzSplit: CaseIterable {
    /// The whole input in one `append`.
    case whole
    /// One byte per `append`.
    case byteAtATime
    /// Chunks of 1 to 17 bytes, their sizes taken from the data itself.
    case dataDerived

    /// The input cut into chunks.
    func chunks(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        switch self {
        case .whole:
            return [bytes[...]]
        case .byteAtATime:
            return bytes.indices.map { bytes[$0..<($0 + 1)] }
        case .dataDerived:
            var chunks: [ArraySlice<UInt8>] = []
            var start = 0
            while start < bytes.count {
                let size = 1 + Int(bytes[start] % 17)
                let end = min(bytes.count, start + size)
                chunks.append(bytes[start..<end])
                start = end
            }
            return chunks
        }
    }
}

/// What an incremental parser produced from a whole stream: its items in order, then the error that
/// stopped it, if any. Equal outcomes for every `FuzzSplit` is the incremental invariant.
struct FuzzOutcome<Item: Equatable, Failure: Equatable>: Equatable {
    var items: [Item] = []
    var error: Failure?
}
