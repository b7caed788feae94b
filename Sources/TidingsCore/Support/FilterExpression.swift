import Foundation

/// A caller's SQL filter expression (listmonk's `query`), checked before it goes anywhere near a
/// database. The database-side sandbox decides what the expression may read and run; this check
/// makes sure it stays one expression (no statement separator, no comment, balanced
/// parentheses), names no table by schema (so the sandbox's scoped stand-ins for `subscribers`,
/// `subscriber_lists` and `lists` cannot be side-stepped) and no system catalog, and lists the
/// functions it calls for the sandbox to check (docs/segmentation.md).
public struct FilterExpression: Sendable, Equatable {
    public let text: String
    /// Every function the expression calls, as written: an unquoted name folded to lower case, a
    /// quoted one as is, a qualified one as `schema.name`. Keywords that take a parenthesis
    /// (`IN (`, `EXISTS (`, `CAST (` …) are not calls, nor are type names after `::` or `AS`.
    public let functionCalls: Set<String>

    /// The longest expression accepted.
    public static let maximumLength = 10_000

    /// Tables the sandbox shadows with the caller's scope: never to be named with a qualifier.
    static let shadowedTables: Set<String> = ["subscribers", "subscriber_lists", "lists"]

    /// Schemas that reach real tables or system catalogs (every name starting with `pg_` too).
    static let schemas: Set<String> = ["main", "temp", "public", "information_schema"]

    /// Keywords that can stand before `(` without calling a function. Each is reserved or has no
    /// function of its name that could do harm.
    static let keywords: Set<String> = [
        "all", "and", "any", "array", "as", "asymmetric", "between", "by", "case", "cast", "cross", "cube",
        "distinct", "else", "escape", "except", "exists", "filter", "for", "from", "group", "having", "ilike", "in",
        "inner", "intersect", "is", "join", "lateral", "like", "limit", "materialized", "natural", "not", "offset",
        "on", "only",
        "or", "order", "outer", "over", "recursive", "rollup", "row", "select", "sets", "similar", "some",
        "symmetric", "then", "to", "union", "using", "values", "varying", "when", "where", "with", "within",
    ]

    /// Trims the text and strips one trailing `;` (as listmonk does); `nil` when nothing is left.
    public init?(_ raw: String) throws(TidingsError) {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasSuffix(";") { text.removeLast() }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        guard text.utf8.count <= Self.maximumLength else {
            throw Self.invalid("the query is longer than \(Self.maximumLength) bytes")
        }
        let tokens = try SQLExpressionScanner.tokens(text)
        try Self.checkParentheses(tokens)
        self.text = text
        self.functionCalls = try Self.functionCalls(in: tokens)
    }

    /// `400 invalid_query`, in listmonk's words.
    public static func invalid(_ reason: String) -> TidingsError {
        TidingsError(.badRequest, code: "invalid_query", message: "Error preparing subscriber query: \(reason)")
    }

    private static func checkParentheses(_ tokens: [SQLToken]) throws(TidingsError) {
        var depth = 0
        for token in tokens {
            if token == .symbol(UInt8(ascii: "(")) { depth += 1 }
            if token == .symbol(UInt8(ascii: ")")) { depth -= 1 }
            guard depth >= 0 else { throw invalid("unbalanced parentheses") }
        }
        guard depth == 0 else { throw invalid("unbalanced parentheses") }
    }

    /// Walks the dotted names (`a`, `a.b`, `"a"."b"`): a name before `(` is a function call
    /// (unless a keyword or a type); any other must not be qualified by a schema, qualify a
    /// shadowed table, have more than two parts, or name a system catalog.
    private static func functionCalls(in tokens: [SQLToken]) throws(TidingsError) -> Set<String> {
        var calls: Set<String> = []
        var index = 0
        while index < tokens.count {
            guard tokens[index].name != nil else {
                index += 1
                continue
            }
            let start = index
            var parts = [tokens[index]]
            while index + 2 < tokens.count, tokens[index + 1] == .symbol(UInt8(ascii: ".")),
                tokens[index + 2].name != nil
            {
                parts.append(tokens[index + 2])
                index += 2
            }
            index += 1
            let names = parts.compactMap(\.name)
            if index < tokens.count, tokens[index] == .symbol(UInt8(ascii: "(")) {
                if !isKeyword(parts) && !isTypePosition(tokens, before: start)
                    && !isCommonTableName(tokens, columnsAt: index)
                {
                    calls.insert(names.joined(separator: "."))
                }
            } else {
                try checkReference(names)
            }
        }
        return calls
    }

    private static func isKeyword(_ parts: [SQLToken]) -> Bool {
        guard parts.count == 1, case .word(let word) = parts[0] else { return false }
        return keywords.contains(word)
    }

    /// After `::` or `AS` a name is a type (`varchar(10)`) or an alias, never a call.
    private static func isTypePosition(_ tokens: [SQLToken], before index: Int) -> Bool {
        guard index >= 1 else { return false }
        if tokens[index - 1] == .word("as") { return true }
        return index >= 2 && tokens[index - 1] == .symbol(UInt8(ascii: ":"))
            && tokens[index - 2] == .symbol(UInt8(ascii: ":"))
    }

    /// `c(x, y) AS (SELECT …` — a common table expression's name and column names, followed by
    /// `AS [NOT] [MATERIALIZED] (` and `SELECT`, `WITH` or `TABLE`. A function in a `FROM` list
    /// may also be followed by `AS (…)`, but only by column definitions, which cannot start with
    /// those reserved words.
    private static func isCommonTableName(_ tokens: [SQLToken], columnsAt open: Int) -> Bool {
        var index = open + 1
        while index + 1 < tokens.count, tokens[index].name != nil {
            index += 1
            if tokens[index] == .symbol(UInt8(ascii: ")")) { break }
            guard tokens[index] == .symbol(UInt8(ascii: ",")) else { return false }
            index += 1
        }
        guard index < tokens.count, tokens[index] == .symbol(UInt8(ascii: ")")), index > open + 1 else {
            return false
        }
        index += 1
        guard index < tokens.count, tokens[index] == .word("as") else { return false }
        index += 1
        for optional in ["not", "materialized"] where index < tokens.count && tokens[index] == .word(optional) {
            index += 1
        }
        guard index + 1 < tokens.count, tokens[index] == .symbol(UInt8(ascii: "(")) else { return false }
        return [.word("select"), .word("with"), .word("table")].contains(tokens[index + 1])
    }

    /// A table or column reference that is not a call.
    private static func checkReference(_ names: [String]) throws(TidingsError) {
        let folded = names.map { $0.lowercased() }
        if let catalog = folded.first(where: { $0.hasPrefix("pg_") || $0 == "information_schema" }) {
            throw invalid("access to \(catalog) is prohibited")
        }
        guard names.count > 1 else { return }
        let written = names.joined(separator: ".")
        guard names.count == 2 else { throw invalid("names of more than two parts are not allowed: \(written)") }
        if schemas.contains(folded[0]) || shadowedTables.contains(folded[1]) {
            throw invalid("schema-qualified names are not allowed: \(written)")
        }
    }
}
