import Foundation
import Testing
@testable import MessageStore

@Suite("MessageTimestamp")
struct MessageTimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_795_348_800_123, "2026-11-22T12:00:00.123Z"),
        (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
        (951_868_800_000, "2000-03-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (-2_208_988_800_000, "1900-01-01T00:00:00.000Z"),
        (MessageTimestamp.minimumMilliseconds, "0000-01-01T00:00:00.000Z"),
        (MessageTimestamp.maximumMilliseconds, "9999-12-31T23:59:59.999Z"),
        (Int64.max, "9999-12-31T23:59:59.999Z"),
        (Int64.min, "0000-01-01T00:00:00.000Z"),
    ])
    func formatsMilliseconds(milliseconds: Int64, expected: String) {
        #expect(MessageTimestamp.string(millisecondsSince1970: milliseconds) == expected)
    }

    @Test func formatsDatesRoundedToTheMillisecond() {
        #expect(MessageTimestamp.string(from: Date(timeIntervalSince1970: 1_795_348_800.123)) == "2026-11-22T12:00:00.123Z")
        #expect(MessageTimestamp.string(from: Date(timeIntervalSince1970: 0.0004)) == "1970-01-01T00:00:00.000Z")
        #expect(MessageTimestamp.string(from: Date(timeIntervalSince1970: 0.0006)) == "1970-01-01T00:00:00.001Z")
    }

    @Test func clampsDatesOutsideFourDigitYears() {
        #expect(MessageTimestamp.string(from: Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59.999Z")
        #expect(MessageTimestamp.string(from: Date(timeIntervalSince1970: -1e300)) == "0000-01-01T00:00:00.000Z")
        #expect(MessageTimestamp.string(from: Date(timeIntervalSince1970: .infinity)) == "9999-12-31T23:59:59.999Z")
        #expect(MessageTimestamp.string(from: Date(timeIntervalSince1970: -.infinity)) == "0000-01-01T00:00:00.000Z")
        #expect(MessageTimestamp.string(from: Date(timeIntervalSince1970: .nan)).count == 24)
    }

    @Test func agreesWithFoundationOverManyDays() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        // Every 97th day (plus an odd millisecond) from 1900 to 2100, so month and leap-year edges vary.
        var day: Int64 = -25_567
        while day < 47_482 {
            let milliseconds = day * 86_400_000 + 45_296_789
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            #expect(MessageTimestamp.string(millisecondsSince1970: milliseconds) == expected)
            day += 97
        }
    }

    /// The formatting replaced by the byte writer: interpolated, zero-padded components.
    static func interpolated(_ milliseconds: Int64) -> String {
        func padded(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        let clamped = min(max(milliseconds, MessageTimestamp.minimumMilliseconds), MessageTimestamp.maximumMilliseconds)
        var days = clamped / 86_400_000
        var ofDay = clamped % 86_400_000
        if ofDay < 0 { days -= 1; ofDay += 86_400_000 }
        let (year, month, day) = MessageTimestamp.civilDate(daysSince1970: days)
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))T\(padded(ofDay / 3_600_000, 2)):"
            + "\(padded(ofDay / 60_000 % 60, 2)):\(padded(ofDay / 1000 % 60, 2)).\(padded(ofDay % 1000, 3))Z"
    }

    @Test func agreesWithInterpolatedFormattingOverTheWholeRange() {
        var state: UInt64 = 0x7157_A3B9
        for _ in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let span = UInt64(MessageTimestamp.maximumMilliseconds - MessageTimestamp.minimumMilliseconds)
            let milliseconds = MessageTimestamp.minimumMilliseconds + Int64((state >> 1) % span)
            #expect(MessageTimestamp.string(millisecondsSince1970: milliseconds) == Self.interpolated(milliseconds))
        }
    }
}
