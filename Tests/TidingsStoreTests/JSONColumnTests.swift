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
