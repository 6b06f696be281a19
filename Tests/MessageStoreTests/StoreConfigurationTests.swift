import Foundation
import Synchronization
import Testing
@testable import MessageStore

@Suite("StoreConfiguration")
struct StoreConfigurationTests {
    @Test func defaultsAreDocumentedValues() {
        let configuration = StoreConfiguration.standard
        #expect(configuration.maxBatchSize == 512)
        #expect(configuration.busyTimeoutMilliseconds == 5_000)
        #expect(abs(configuration.now().timeIntervalSinceNow) < 60)
        #expect(configuration.connectTimeout == .seconds(5))
        #expect(configuration.lockTimeout == .seconds(2))
        #expect(configuration.statementTimeout == .seconds(5))
        #expect(configuration.answerTimeout == .seconds(10))
        #expect(configuration.keepaliveInterval == .seconds(5))
    }

    /// The database's own limits fire before the node's answer timeout, so they normally end a wait
    /// with the connection kept (docs/cluster.md).
    @Test func theAnswerTimeoutOutlastsTheDatabasesLimits() {
        let configuration = StoreConfiguration.standard
        #expect(configuration.answerTimeout > configuration.statementTimeout)
        #expect(configuration.answerTimeout > configuration.lockTimeout)
    }

    @Test func batchSizeBelowOneCountsAsOne() {
        #expect(StoreConfiguration(maxBatchSize: 0).maxBatchSize == 1)
        #expect(StoreConfiguration(maxBatchSize: -5).maxBatchSize == 1)
    }

    @Test func defaultDeliveryRunsCompletionsInline() {
        let ran = Mutex(false)
        // The default hands the closure straight back, on the calling thread, before returning.
        StoreConfiguration.standard.deliverCompletions { ran.withLock { $0 = true } }
        #expect(ran.withLock { $0 })
    }
}
