/// One piece of a SQL expression, as `SQLExpressionScanner` reads it.
enum SQLToken: Sendable, Equatable {
    /// An unquoted word — a keyword or a name — folded to ASCII lower case, as both databases fold it.
    case word(String)
    /// A double-quoted name, with doubled quotes undone and its case kept.
    case quotedName(String)
    /// A number.
    case number
    /// A string literal (its contents never matter to the check).
    case string
    /// Any other character outside quotes: `(`, `)`, `.`, `,`, an operator's characters.
    case symbol(UInt8)

    /// The name this token spells, when it is a name or a word.
    var name: String? {
        switch self {
        case .word(let name), .quotedName(let name): name
        default: nil
        }
    }
}

/// Splits a SQL expression into words, quoted names, strings, numbers and symbols, reading quotes
/// the way both databases do, so that nothing inside a string or a quoted name is taken for SQL
/// and nothing outside one is taken for a string.
///
/// The spellings where SQLite and PostgreSQL disagree about where a quoted run ends — or that
/// would hide text from this scan — are refused instead of guessed at: comments, `;`, PostgreSQL's
/// escape strings (`E'…'`, whose `\'` does not end the string), Unicode escapes (`U&"…"`) and
/// dollar quoting (`$$…$$`), SQLite's bracketed (`[…]`) and backquoted (`` `…` ``) names.
/// PostgreSQL's sandbox keeps `standard_conforming_strings` on, so a backslash in `'…'` is an
/// ordinary character on both.
enum SQLExpressionScanner {
    static func tokens(_ text: String) throws(TidingsError) -> [SQLToken] {
        let bytes = Array(text.utf8)
        var tokens: [SQLToken] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                if let previous = tokens.last, Self.isEscapePrefix(previous, before: index, in: bytes) {
                    throw FilterExpression.invalid("escape strings (E'…', U&'…') are not allowed")
                }
                let end = try Self.closingQuote(of: index, in: bytes)
                tokens.append(
                    byte == UInt8(ascii: "'")
                        ? .string : .quotedName(Self.unquoted(bytes[(index + 1)..<end], quote: byte)))
                index = end + 1
            case _ where Self.isWordByte(byte):
                var end = index
                while end < bytes.count, Self.isWordByte(bytes[end]) { end += 1 }
                let isNumber = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                tokens.append(
                    isNumber ? .number : .word(String(decoding: bytes[index..<end], as: UTF8.self).asciiLowercased))
                index = end
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0C:
                index += 1
            default:
                try Self.checkSymbol(byte, next: index + 1 < bytes.count ? bytes[index + 1] : nil)
                tokens.append(.symbol(byte))
                index += 1
            }
        }
        return tokens
    }

    /// Letters, digits, `_`, and every byte of a non-ASCII character (both databases allow those
    /// in names).
    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), 0x80...:
            true
        default: false
        }
    }

    /// `E'…'` (the word `e` right before the quote) or `U&'…'` / `U&"…"`.
    private static func isEscapePrefix(_ previous: SQLToken, before index: Int, in bytes: [UInt8]) -> Bool {
        guard index > 0 else { return false }
        switch previous {
        case .word("e"): return isWordByte(bytes[index - 1])
        case .symbol(UInt8(ascii: "&")): return bytes[index - 1] == UInt8(ascii: "&")
        default: return false
        }
    }

    /// The index of the quote that ends the run opened at `start`; a doubled quote stays inside.
    private static func closingQuote(of start: Int, in bytes: [UInt8]) throws(TidingsError) -> Int {
        let quote = bytes[start]
        var end = start + 1
        while true {
            guard end < bytes.count else { throw FilterExpression.invalid("unterminated quote") }
            if bytes[end] == 0 { throw FilterExpression.invalid("the query contains a NUL byte") }
            if bytes[end] == quote {
                guard end + 1 < bytes.count, bytes[end + 1] == quote else { return end }
                end += 2
            } else {
                end += 1
            }
        }
    }

    private static func unquoted(_ inner: ArraySlice<UInt8>, quote: UInt8) -> String {
        let doubled = String(decoding: [quote, quote], as: UTF8.self)
        return String(decoding: inner, as: UTF8.self).replacingOccurrences(
            of: doubled, with: String(decoding: [quote], as: UTF8.self))
    }

    /// Characters refused outside quotes, and why.
    private static func checkSymbol(_ byte: UInt8, next: UInt8?) throws(TidingsError) {
        switch byte {
        case UInt8(ascii: ";"):
            throw FilterExpression.invalid("only one expression is allowed (no `;`)")
        case 0:
            throw FilterExpression.invalid("the query contains a NUL byte")
        case UInt8(ascii: "$"), UInt8(ascii: "["), UInt8(ascii: "`"):
            // PostgreSQL's dollar quoting, SQLite's bracketed and backquoted names.
            throw FilterExpression.invalid("`\(Character(UnicodeScalar(byte)))` is not allowed outside quotes")
        case UInt8(ascii: "-") where next == UInt8(ascii: "-"), UInt8(ascii: "/") where next == UInt8(ascii: "*"):
            throw FilterExpression.invalid("comments are not allowed")
        default:
            break
        }
    }
}

extension String {
    /// Folds `A`–`Z` only, as SQL folds unquoted names.
    fileprivate var asciiLowercased: String {
        String(decoding: utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
