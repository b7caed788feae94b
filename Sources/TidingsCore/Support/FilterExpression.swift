import Foundation

/// A caller's SQL filter expression (listmonk's `query`), checked before it goes anywhere near a
/// database. The database-side sandbox decides what the expression may read; this check makes
/// sure it stays one expression: no statement separator, no comment, balanced parentheses —
/// so that wrapped as `(<expression>) AND <the caller's scope>` it can never cut the scope off
/// (listmonk splices it bare, and `… OR true` escapes a restricted caller's lists).
public struct FilterExpression: Sendable, Equatable {
    public let text: String

    /// The longest expression accepted.
    public static let maximumLength = 10_000

    /// Trims the text and strips one trailing `;` (as listmonk does); `nil` when nothing is left.
    public init?(_ raw: String) throws(TidingsError) {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasSuffix(";") { text.removeLast() }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        guard text.utf8.count <= Self.maximumLength else {
            throw Self.invalid("the query is longer than \(Self.maximumLength) bytes")
        }
        try Self.check(text)
        self.text = text
    }

    /// `400 invalid_query`, in listmonk's words.
    public static func invalid(_ reason: String) -> TidingsError {
        TidingsError(.badRequest, code: "invalid_query", message: "Error preparing subscriber query: \(reason)")
    }

    /// Walks the text outside string literals and quoted identifiers.
    private static func check(_ text: String) throws(TidingsError) {
        let bytes = Array(text.utf8)
        var depth = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                // A quoted run ends at the same quote, not doubled.
                var end = index + 1
                while true {
                    guard end < bytes.count else { throw invalid("unterminated quote") }
                    if bytes[end] == byte {
                        if end + 1 < bytes.count, bytes[end + 1] == byte {
                            end += 2
                            continue
                        }
                        break
                    }
                    end += 1
                }
                index = end
            case UInt8(ascii: "("):
                depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                guard depth >= 0 else { throw invalid("unbalanced parentheses") }
            case UInt8(ascii: ";"):
                throw invalid("only one expression is allowed (no `;`)")
            case 0:
                throw invalid("the query contains a NUL byte")
            case UInt8(ascii: "$"), UInt8(ascii: "["):
                // PostgreSQL's dollar quoting and SQLite's bracketed names would hide text from
                // this check.
                throw invalid("`\(Character(UnicodeScalar(byte)))` is not allowed outside quotes")
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"),
                UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                throw invalid("comments are not allowed")
            default:
                break
            }
            index += 1
        }
        guard depth == 0 else { throw invalid("unbalanced parentheses") }
    }
}
