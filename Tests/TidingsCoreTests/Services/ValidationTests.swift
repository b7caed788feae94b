import Testing
import TidingsCore

/// The input rules every service shares, with listmonk's limits.
@Suite struct ValidationTests {
    @Test("usernames: 3 to 2000 bytes of letters, digits and _ - . @")
    func usernames() {
        for valid in ["abc", "a_b-c.d@e", "User.Name_01", String(repeating: "x", count: 2_000)] {
            #expect(Validation.isValidUsername(valid), "\(valid.prefix(20))")
        }
        for invalid in ["ab", "", "a b", "tab\tname", "ünï", "semi;colon", "a+b", String(repeating: "x", count: 2_001)]
        {
            #expect(!Validation.isValidUsername(invalid), "\(invalid.prefix(20))")
        }
    }

    @Test("e-mail addresses: a bare address, atom or quoted local part, labels or a literal for the domain")
    func emails() {
        let valid = [
            "a@b.c", "a@b", "first.last+tag@example.com", "a..b@c.d", "!#$%&'*+/=?^_`{|}~-@example.com",
            #""quoted \"name\" here"@example.com"#, "a@[192.0.2.1]", "a@[IPv6:2001:db8::1]", "ü@例え.jp",
            "a@sub_domain.example-1.com",
        ]
        for address in valid { #expect(Validation.isValidEmail(address), "\(address)") }
        let invalid = [
            "", "a", "@b.c", "a@", "Name <a@b.c>", "a b@c.d", "a@b..c", "a@.b", "a@b.", "a@[]", "a@[1.2.3.4",
            #""unterminated@example.com"#, #""a"b"@example.com"#, #""ends in escape\"@example.com"#,
            "a@b c.d", "a@b,c", "ü\u{00A0}x@example.com", "ü@example\u{2003}.com",
            String(repeating: "a", count: 1_990) + "@example.com",
        ]
        for address in invalid { #expect(!Validation.isValidEmail(address), "\(address.prefix(30))") }
        let longest = String(repeating: "a", count: 1_988) + "@example.com"
        #expect(longest.utf8.count == 2_000 && Validation.isValidEmail(longest))
    }

    @Test("passwords: at least 8 characters, at most 4096 bytes")
    func passwords() {
        #expect(Validation.isValidPassword("12345678"))
        #expect(!Validation.isValidPassword("1234567"))
        #expect(Validation.isValidPassword("éééééééé"))  // 8 characters, 16 bytes
        #expect(!Validation.isValidPassword("😀😀😀😀"))  // 16 bytes, 4 characters
        #expect(Validation.isValidPassword(String(repeating: "x", count: 4_096)))
        #expect(!Validation.isValidPassword(String(repeating: "x", count: 4_097)))
    }

    @Test("names: trimmed, 1 to 2000 bytes")
    func names() {
        #expect(Validation.trimmedName("  Alice \n") == "Alice")
        #expect(Validation.trimmedName(" \t\n ") == nil)
        #expect(Validation.trimmedName(nil) == nil)
        #expect(Validation.trimmedName(" " + String(repeating: "é", count: 1_000) + " ")?.utf8.count == 2_000)
        #expect(Validation.trimmedName(String(repeating: "é", count: 1_000) + "x") == nil)
    }
}
