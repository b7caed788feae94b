import Foundation
import Testing
import TidingsCore

@Suite struct TimestampValidationTests {
    @Test(
        "timestamps are written as listmonk writes them",
        arguments: [
            (1_795_709_704.239641, "2026-11-26T16:15:04.239641Z"),
            (1_795_709_596.50279, "2026-11-26T16:13:16.50279Z"),
            (1_795_709_596.0, "2026-11-26T16:13:16Z"),
            (0.5, "1970-01-01T00:00:00.5Z"),
        ])
    func rfc3339(seconds: Double, expected: String) {
        #expect(Timestamp.rfc3339(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test("usernames follow listmonk's rule")
    func usernames() {
        for good in ["abc", "a.b-c_d@e", String(repeating: "x", count: 2000)] {
            #expect(Validation.isValidUsername(good))
        }
        for bad in ["ab", "bad name", "ünï", "a/b", String(repeating: "x", count: 2001), ""] {
            #expect(!Validation.isValidUsername(bad), "\(bad)")
        }
    }

    @Test("e-mail addresses must be bare")
    func emails() {
        for good in [
            "a@b.c", "first.last@example.com", "a..b@c.d", "ünï@cödé.org", "x@localhost", "=cmd|x@example.com",
            "o'brien+news@example.ie", "\"two words\"@example.com", "user@[192.0.2.1]", "u@[IPv6:2001:db8::1]",
        ] {
            #expect(Validation.isValidEmail(good), "\(good)")
        }
        for bad in [
            "", "a", "a@", "@b", "A <a@b.c>", "a@b@c", "a b@c.d", "a@.b", "a@b..c", "a@b.", "a\t@b.c", "a@b\n.c",
            "a\u{A0}b@c.d", "é@b\u{2003}c.d", String(repeating: "a", count: 2_000) + "@b.c",
            // Brackets, pipes, quotes and parentheses where no address has them.
            "=cmd|x@[", "a@[1.2.3.4", "a@b|c.d", "a\"b@c.d", "a(b)@c.d", "a@b c.d", "a,b@c.d", "a@-b.c=d",
            "\"unterminated@b.c", "a@[]", "a;b@c.d",
        ] {
            #expect(!Validation.isValidEmail(bad), "\(bad)")
        }
    }

    @Test("passwords: at least 8 characters, long ones accepted")
    func passwords() {
        #expect(!Validation.isValidPassword("1234567"))
        #expect(Validation.isValidPassword("12345678"))
        #expect(Validation.isValidPassword(String(repeating: "p", count: 1000)))
    }
}
