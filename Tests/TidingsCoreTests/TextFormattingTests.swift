import Foundation
import Testing
import TidingsCore

/// UUIDs and JSON strings written and read by hand agree with Foundation's own.
@Suite struct TextFormattingTests {
    @Test("lowercasedText is uuidString in lower case")
    func uuidText() {
        for _ in 0..<200 {
            let uuid = UUID()
            #expect(uuid.lowercasedText == uuid.uuidString.lowercased())
        }
        #expect(
            UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).lowercasedText
                == "00000000-0000-0000-0000-000000000000")
    }

    @Test("UUID(text:) parses what UUID(uuidString:) parses, in either case, and nothing else")
    func uuidParse() {
        for _ in 0..<200 {
            let uuid = UUID()
            #expect(UUID(text: uuid.uuidString) == uuid)
            #expect(UUID(text: uuid.lowercasedText) == uuid)
        }
        let samples = [
            "", "x", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "6BA7B810-9DAD-11D1-80B4-00C04FD430C8",
            "6ba7b8109dad11d180b400c04fd430c8", "6ba7b810-9dad-11d1-80b4-00c04fd430c",
            "6ba7b810-9dad-11d1-80b4-00c04fd430c8a",
            "6ba7b810-9dad-11d1-80b4_00c04fd430c8", "6ba7b810-9dad-11d1-80b4-00c04fd430cg",
            "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}",
            "6ba7b810-9dad-11d1-80b4-00c04fd430é",
        ]
        for sample in samples { #expect(UUID(text: sample) == UUID(uuidString: sample), "\(sample)") }
    }

    @Test(
        "JSONString.append writes what JSONEncoder reads back",
        arguments: [
            "", "plain", "quote \" and \\ backslash", "line\nbreak\ttab\r", "\u{01}\u{1F}", "Grüße 📬 日本", "\"", "\\\\",
        ])
    func jsonString(text: String) throws {
        var out: [UInt8] = []
        JSONString.append(text, to: &out)
        #expect(try JSONDecoder().decode(String.self, from: Data(out)) == text)
        #expect(out.first == UInt8(ascii: "\"") && out.last == UInt8(ascii: "\""))
    }
}
