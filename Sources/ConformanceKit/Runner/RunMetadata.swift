import Foundation

/// What a report states about the run itself.
public struct RunMetadata: Sendable, Equatable {
    public var kitVersion: String
    public var specVersion: String
    public var seed: UInt64
    public var runToken: String
    public var targetURL: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var isStrict: Bool
    public var timeoutFactor: Double
    public var concurrency: Int
    public var filters: [String]
    public var excludes: [String]
    public var capabilities: [Capability]
    public var usesExpectations: Bool

    public init(
        kitVersion: String = KitVersion.current, specVersion: String = RequirementCatalog.specVersion, seed: UInt64,
        runToken: String, targetURL: String, startedAt: Date, finishedAt: Date? = nil, isStrict: Bool = false,
        timeoutFactor: Double = 1, concurrency: Int = 1, filters: [String] = [], excludes: [String] = [],
        capabilities: [Capability] = [], usesExpectations: Bool = false
    ) {
        self.kitVersion = kitVersion
        self.specVersion = specVersion
        self.seed = seed
        self.runToken = runToken
        self.targetURL = targetURL
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.isStrict = isStrict
        self.timeoutFactor = timeoutFactor
        self.concurrency = concurrency
        self.filters = filters
        self.excludes = excludes
        self.capabilities = capabilities
        self.usesExpectations = usesExpectations
    }
}
