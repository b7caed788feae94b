import Foundation

/// Timestamps as listmonk writes them.
public enum Timestamp {
    /// Go's RFC 3339 with nanoseconds, as listmonk emits top-level times: UTC with `Z`, fractional
    /// seconds to microsecond precision with trailing zeros dropped, no fraction when it is zero.
    public static func rfc3339(_ date: Date) -> String {
        let totalMicros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let micros = Int64(totalMicros)
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var civil = time_t(seconds)
        var parts = tm()
        gmtime_r(&civil, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else { return formatted(parts, fraction: Int(fraction)) }
        // Digit by digit: a list page writes two of these per row, and `String(format:)` took
        // several microseconds each.
        return String(unsafeUninitializedCapacity: 27) { text in
            var count = 0
            func put(_ byte: UInt8) {
                text[count] = byte
                count += 1
            }
            func put(_ value: Int, digits: Int) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    put(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                    divisor /= 10
                }
            }
            put(year, digits: 4)
            put(UInt8(ascii: "-"))
            put(Int(parts.tm_mon) + 1, digits: 2)
            put(UInt8(ascii: "-"))
            put(Int(parts.tm_mday), digits: 2)
            put(UInt8(ascii: "T"))
            put(Int(parts.tm_hour), digits: 2)
            put(UInt8(ascii: ":"))
            put(Int(parts.tm_min), digits: 2)
            put(UInt8(ascii: ":"))
            put(Int(parts.tm_sec), digits: 2)
            if fraction != 0 {
                var digits = 6
                var value = Int(fraction)
                while value % 10 == 0 {
                    value /= 10
                    digits -= 1
                }
                put(UInt8(ascii: "."))
                put(value, digits: digits)
            }
            put(UInt8(ascii: "Z"))
            return count
        }
    }

    /// `rfc3339` of a year outside 0–9999, through `String(format:)`.
    private static func formatted(_ parts: tm, fraction: Int) -> String {
        var text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        if fraction != 0 {
            var digits = String(format: "%06d", fraction)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }

    /// The form PostgreSQL gives timestamps it builds into JSON itself, which listmonk passes
    /// on inside a subscriber's `lists[]`: as `rfc3339`, but `+00:00` instead of `Z`.
    public static func postgresJSON(_ date: Date) -> String {
        String(rfc3339(date).dropLast()) + "+00:00"
    }

    /// Go's `time.Time.String()` in UTC, which listmonk's CSV export writes:
    /// `2026-11-26 16:15:15.384667 +0000 UTC`.
    public static func goString(_ date: Date) -> String {
        let text = rfc3339(date).dropLast()  // without the `Z`
        return text.replacingOccurrences(of: "T", with: " ") + " +0000 UTC"
    }

    /// Parses RFC 3339 (with or without fractional seconds, `Z` or an offset).
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
