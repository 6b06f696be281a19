/// How many scenarios got each verdict.
public struct RunTotals: Sendable, Equatable, Codable {
    public var total = 0
    public var passed = 0
    public var failed = 0
    public var unsupported = 0
    public var skipped = 0
    public var inconclusive = 0
    public var expectedFailures = 0
    public var unexpectedPasses = 0
    public var flakyFailures = 0

    public init() {}

    public init(_ results: [ScenarioResult]) {
        for result in results {
            total += 1
            switch result.verdict {
            case .pass: passed += 1
            case .fail: failed += 1
            case .unsupported: unsupported += 1
            case .skipped: skipped += 1
            case .inconclusive: inconclusive += 1
            case .expectedFailure: expectedFailures += 1
            case .unexpectedPass: unexpectedPasses += 1
            case .flakyFailure: flakyFailures += 1
            }
        }
    }

    /// The figures of the console's closing line `N passed, N failed, N skipped`: passed = pass;
    /// failed = fail + unexpected pass; skipped = everything neither passed nor failed (skipped,
    /// unsupported, inconclusive, expected and flaky failures), so the three add up to `total`.
    public var closingFigures: (passed: Int, failed: Int, skipped: Int) {
        (passed, failed + unexpectedPasses, skipped + unsupported + inconclusive + expectedFailures + flakyFailures)
    }
}
