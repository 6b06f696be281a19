import Testing
import NetworkCore

@Suite struct NetworkConfigurationTests {
    @Test func documentedDefaults() {
        let configuration = NetworkConfiguration()
        #expect(configuration.readBufferSize == 64 * 1024)
        #expect(configuration.maxPendingWriteBytes == 4 * 1024 * 1024)
        #expect(configuration.listenBacklog == 1024)
        #expect(configuration.isNoDelayEnabled)
        #expect(configuration.lingerTimeout == .seconds(2))
        #expect(configuration.maxEventsPerWait == 256)
    }

    @Test func outOfRangeValuesAreClamped() {
        let configuration = NetworkConfiguration(readBufferSize: 1, maxPendingWriteBytes: -5, listenBacklog: 0, maxEventsPerWait: 5000)
        #expect(configuration.readBufferSize == 1024)
        #expect(configuration.maxPendingWriteBytes == 0)
        #expect(configuration.listenBacklog == 1)
        #expect(configuration.maxEventsPerWait == 1024)
    }
}
