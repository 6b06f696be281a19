import Testing
@testable import ReferenceServer

@Suite struct CloseWaveTests {
    @Test func aTrimIsDueOncePerWaveOfClosesDownToHalfThePeak() {
        var wave = CloseWave(threshold: 3)
        for open in 1...10 { wave.connectionOpened(open: open) }
        #expect(wave.connectionClosed(open: 9) == false)
        #expect(wave.connectionClosed(open: 8) == false)
        #expect(wave.connectionClosed(open: 7) == false)  // 3 closed, but 7 open is over half of 10
        #expect(wave.connectionClosed(open: 6) == false)
        #expect(wave.connectionClosed(open: 5) == true)
        #expect(wave.connectionClosed(open: 4) == false)  // already due
        wave.trimmed(open: 4)
        #expect(wave.connectionClosed(open: 3) == false)
    }

    @Test func zeroNeverTrims() {
        var wave = CloseWave(threshold: 0)
        wave.connectionOpened(open: 1_000)
        for open in (0..<1_000).reversed() { #expect(wave.connectionClosed(open: open) == false) }
    }
}
