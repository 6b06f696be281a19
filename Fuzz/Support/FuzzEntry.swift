/// What every libFuzzer entry does: copy the input, run the target's driver, and trap on a broken
/// invariant so libFuzzer saves the input as a crash.
enum FuzzEntry {
    static func run(_ data: UnsafePointer<UInt8>?, _ size: Int, _ driver: ([UInt8]) -> [String]) -> CInt {
        let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        let findings = driver(input)
        if !findings.isEmpty {
            fatalError("fuzz invariant broken:\n" + findings.joined(separator: "\n"))
        }
        return 0
    }
}
