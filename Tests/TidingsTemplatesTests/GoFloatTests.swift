import Testing

@testable import TidingsTemplates

/// Floats print as Go's `%v` prints them (values checked against Go's `fmt.Sprint`).
@Suite struct GoFloatTests {
    @Test(
        "shortest digits; exponent form below 1e-4 and from 1e6",
        arguments: [
            (1_500_000, "1.5e+06"), (123_456_789_012, "1.23456789012e+11"), (999_999, "999999"), (123_456, "123456"),
            (0.0001, "0.0001"), (0.00001, "1e-05"), (19.99, "19.99"), (100, "100"), (1e21, "1e+21"), (0.1, "0.1"),
            (-2.5, "-2.5"), (1e100, "1e+100"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.000123, "0.000123"), (1_000_000, "1e+06"), (123_456.7, "123456.7"), (-0.00001234, "-1.234e-05"),
            (3, "3"), (0.5, "0.5"),
        ] as [(Double, String)])
    func format(value: Double, expected: String) {
        #expect(GoFloat.format(value) == expected)
    }

    @Test("zero, negative zero, infinities and NaN")
    func specials() {
        #expect(GoFloat.format(0) == "0")
        #expect(GoFloat.format(-0.0) == "-0")
        #expect(GoFloat.format(.infinity) == "+Inf")
        #expect(GoFloat.format(-.infinity) == "-Inf")
        #expect(GoFloat.format(.nan) == "NaN")
    }
}
