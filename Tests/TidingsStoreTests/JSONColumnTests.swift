import Foundation
import Testing

@testable import TidingsStore

/// Arrays of strings read from JSON text columns, directly or through `JSONDecoder`.
@Suite struct JSONColumnTests {
    @Test(
        "strings(from:) reads what JSONDecoder reads",
        arguments: [
            "[]", " [ ] ", #"["a","b"]"#, #" [ "a" , "b" ] "#, #"["é","日本","👩‍💻"]"#, #"["a\"b","c\\d","\u0041"]"#,
            #"["[x]","{y}",":,"]"#, #"["a",]"#, #"["a""b"]"#, #"["a"] x"#, "not json", "", #"["unterminated]"#,
        ])
    func strings(text: String) {
        let expected = try? JSONDecoder().decode([String].self, from: Data(text.utf8))
        #expect(JSONColumn.strings(from: text) == expected)
    }

    @Test("a missing column is nil")
    func missing() {
        #expect(JSONColumn.strings(from: nil) == nil)
    }
}

/// A list's `status:count,…` column as a dictionary.
@Suite struct StatusCountsTextTests {
    @Test(
        "statuses(from:) reads every well-formed entry and skips the rest",
        arguments: [
            ("", [:]), ("confirmed:3", ["confirmed": 3]),
            ("confirmed:3,unconfirmed:12,unsubscribed:0", ["confirmed": 3, "unconfirmed": 12, "unsubscribed": 0]),
            ("a:b:7", ["a:b": 7]), ("confirmed:", [:]), (":5", ["": 5]),
            ("confirmed:x,unconfirmed:2", ["unconfirmed": 2]),
            ("confirmed:3,,", ["confirmed": 3]), ("é:1", ["é": 1]), ("big:1234567890123456789", [:]),
        ] as [(String, [String: Int])])
    func parse(text: String, expected: [String: Int]) {
        #expect(SQLStore.statuses(from: text) == expected)
    }

    @Test("no column, no statuses")
    func missing() { #expect(SQLStore.statuses(from: nil).isEmpty) }
}
