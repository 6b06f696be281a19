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
