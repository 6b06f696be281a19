/// A mistake in how `conform` was invoked (bad option, bad value, bad expectations file): the CLI
/// prints `Error: <message>` and the usage line to stderr and exits 64 (`ExitStatus.usage`).
public struct ConformUsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
