import Foundation

/// Formats the server-assigned message timestamp: ISO 8601, UTC, milliseconds, e.g. `2026-11-22T12:00:00.123Z`.
///
/// ISO 8601 / RFC 3339 §5.6 `date-time` with `time-secfrac` of exactly 3 digits and `Z`. Pure
/// arithmetic (no formatter, no time zone database), so it is `Sendable` and cheap on the writer queue.
public enum MessageTimestamp {
    /// Earliest instant with a 4-digit year: 0000-01-01T00:00:00.000Z, in milliseconds since 1970.
    public static let minimumMilliseconds: Int64 = -62_167_219_200_000
    /// Latest instant with a 4-digit year: 9999-12-31T23:59:59.999Z, in milliseconds since 1970.
    public static let maximumMilliseconds: Int64 = 253_402_300_799_999

    /// The timestamp of `date`, rounded to the nearest millisecond and clamped to years 0000...9999.
    public static func string(from date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        // NaN and values past the 4-digit-year range clamp instead of trapping in the Int64 conversion.
        guard milliseconds.isFinite else {
            return string(millisecondsSince1970: milliseconds < 0 ? minimumMilliseconds : maximumMilliseconds)
        }
        let clamped = min(max(milliseconds, Double(minimumMilliseconds)), Double(maximumMilliseconds))
        return string(millisecondsSince1970: Int64(clamped))
    }

    /// The timestamp of an instant given in milliseconds since 1970-01-01T00:00:00Z (clamped like above).
    public static func string(millisecondsSince1970 value: Int64) -> String {
        let milliseconds = min(max(value, minimumMilliseconds), maximumMilliseconds)
        let millisecondsPerDay: Int64 = 86_400_000
        // Floor division, so instants before 1970 land on the right day.
        var days = milliseconds / millisecondsPerDay
        var millisecondOfDay = milliseconds % millisecondsPerDay
        if millisecondOfDay < 0 {
            days -= 1
            millisecondOfDay += millisecondsPerDay
        }
        let (year, month, day) = civilDate(daysSince1970: days)
        let hour = millisecondOfDay / 3_600_000
        let minute = millisecondOfDay / 60_000 % 60
        let second = millisecondOfDay / 1000 % 60
        let millisecond = millisecondOfDay % 1000
        // Written digit by digit into 24 bytes (one per message on the writer queue: no interpolation).
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var index = 0
            func put(_ value: Int64, width: Int) {
                var divisor: Int64 = 1
                for _ in 1..<width { divisor *= 10 }
                var rest = value
                while divisor > 0 {
                    buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest / divisor)
                    rest %= divisor
                    divisor /= 10
                    index += 1
                }
            }
            func put(_ byte: Unicode.Scalar) {
                buffer[index] = UInt8(ascii: byte)
                index += 1
            }
            put(year, width: 4); put("-"); put(month, width: 2); put("-"); put(day, width: 2); put("T")
            put(hour, width: 2); put(":"); put(minute, width: 2); put(":"); put(second, width: 2); put(".")
            put(millisecond, width: 3); put("Z")
            return index
        }
    }

    /// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01.
    ///
    /// Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms", `civil_from_days`.
    static func civilDate(daysSince1970: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = daysSince1970 + 719_468  // days since 0000-03-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097  // 0...146096
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // 0...399
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // 0...365, from March 1
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // 0...11, March = 0
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
