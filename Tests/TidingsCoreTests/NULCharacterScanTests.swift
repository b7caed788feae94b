import Testing
import TidingsCore

@Suite struct NULCharacterScanTests {
    @Test(
        "a \\u0000 escape is found, an escaped backslash before u0000 is not",
        arguments: [
            (#"{"a":"\u0000"}"#, true), (#"{"\u0000":1}"#, true), (#"["x\u0000y"]"#, true),
            (#"{"a":"\\\u0000"}"#, true), (#"{"a":"\\u0000"}"#, false), (#"{"a":"\u00000"}"#, true),
            (#"{"a":"\u000"}"#, false), (#"{"a":"\u0001"}"#, false), (#"{"a":"\"u0000"}"#, false),
            (#"\"#, false), ("", false), (#"{"a":"ü \n \t"}"#, false),
        ])
    func scan(text: String, holdsNUL: Bool) {
        #expect(NULCharacter.isEscaped(inJSON: text.utf8) == holdsNUL)
    }
}
