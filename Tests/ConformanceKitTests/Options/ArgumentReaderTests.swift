import Testing
@testable import ConformanceKit

@Suite struct ArgumentReaderTests {
    @Test func readsOptionsValuesFlagsAndPositionals() throws {
        var reader = ArgumentReader(["--filter", "join", "--json=out.json", "--strict", "http://h", "--", "--not-an-option"])
        #expect(reader.next() == .option("--filter"))
        #expect(try reader.value() == "join")
        #expect(reader.next() == .option("--json"))
        #expect(try reader.value() == "out.json")
        #expect(reader.next() == .option("--strict"))
        try reader.flag()
        #expect(reader.next() == .positional("http://h"))
        #expect(reader.next() == .positional("--not-an-option"))
        #expect(reader.next() == nil)
    }

    @Test func missingValueAndValuedFlagAreUsageErrors() {
        var reader = ArgumentReader(["--seed"])
        _ = reader.next()
        #expect(throws: ConformUsageError.self) { try reader.value() }
        var flagReader = ArgumentReader(["--strict=yes"])
        _ = flagReader.next()
        #expect(throws: ConformUsageError.self) { try flagReader.flag() }
    }
}
