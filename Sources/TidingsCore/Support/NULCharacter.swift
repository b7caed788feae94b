/// U+0000 cannot be stored in PostgreSQL's `text` or `jsonb`, and SQLite's text functions stop at
/// it, so Tidings refuses it wherever text arrives (request bodies and URLs, import rows) with
/// the same 400 on both databases, instead of a database error.
public enum NULCharacter {
    /// Whether JSON text holds a `\u0000` escape. (An unescaped NUL byte is not valid JSON and
    /// fails to parse anyway.) `\\u0000`, an escaped backslash before `u0000`, is not one.
    public static func isEscaped(inJSON text: some Collection<UInt8>) -> Bool {
        var index = text.startIndex
        while index != text.endIndex {
            guard text[index] == UInt8(ascii: "\\") else {
                text.formIndex(after: &index)
                continue
            }
            text.formIndex(after: &index)
            guard index != text.endIndex else { return false }
            if text[index] == UInt8(ascii: "u"),
                text[index...].dropFirst().prefix(4).elementsEqual("0000".utf8)
            {
                return true
            }
            text.formIndex(after: &index)  // the escaped character, whatever it is
        }
        return false
    }

    /// The 400 for `what` (e.g. "The request body") holding a NUL.
    public static func refusal(_ what: String) -> TidingsError {
        .badRequest("\(what) may not contain the NUL character (U+0000).", code: "nul_character")
    }
}
