import Testing
import TidingsCore

/// The pre-check of a caller's SQL expression: what it lets through, what it refuses and why,
/// and the function calls it finds for PostgreSQL's allowlist.
@Suite struct FilterExpressionTests {
    static func calls(_ text: String) throws -> Set<String> {
        try #require(try FilterExpression(text)).functionCalls
    }

    static func refusal(_ text: String) -> String? {
        do {
            _ = try FilterExpression(text)
            return nil
        } catch {
            #expect(error.code == "invalid_query")
            return error.message
        }
    }

    @Test("function calls are found outside quotes, by name as written, qualified or quoted")
    func findsCalls() throws {
        #expect(try Self.calls("lower(subscribers.name) LIKE 'a%'") == ["lower"])
        #expect(try Self.calls("LOWER (name) = UPPER(\n email)") == ["lower", "upper"])
        #expect(try Self.calls("set_config('search_path', 'pg_temp', false) <> ''") == ["set_config"])
        #expect(try Self.calls("\"set_config\"('a', 'b', false) IS NULL") == ["set_config"])
        #expect(try Self.calls("\"Set\"\"Config\"(1) IS NULL") == ["Set\"Config"])
        #expect(try Self.calls("pg_catalog.set_config('a', 'b', false) IS NULL") == ["pg_catalog.set_config"])
        #expect(try Self.calls("\"pg_catalog\" . \"pg_advisory_lock\"(1) IS NULL") == ["pg_catalog.pg_advisory_lock"])
        #expect(
            try Self.calls("coalesce(max(x), count(*), nullif(a, b)) > 0") == ["coalesce", "max", "count", "nullif"])
        // Nothing inside a string or after a doubled quote is a call.
        #expect(try Self.calls("email = 'set_config(1)' AND name = 'it''s pg_sleep(1)'") == [])
        #expect(try Self.calls("name = \"set_config(\"") == [])
    }

    @Test("keywords before a parenthesis and type names after :: or AS are not calls")
    func keywordsAreNotCalls() throws {
        let text = """
            subscribers.id IN (SELECT sl.subscriber_id FROM subscriber_lists sl WHERE (sl.list_id = 1))
            AND EXISTS (SELECT 1) AND NOT (false) AND CAST(name AS varchar(10)) = 'x' AND id = ANY (VALUES (1))
            AND x::numeric(10, 2) > 0 AND (CASE WHEN (true) THEN (1) ELSE (2) END) = 1 AND 1 < ALL (SELECT 2)
            AND count(*) FILTER (WHERE true) OVER (PARTITION BY 1) > 0 AND ROW (1, 2) IS NOT NULL
            AND name LIKE ('a%') AND id BETWEEN (1) AND (2) OR (1) IN (1)
            """
        #expect(try Self.calls(text) == ["count"])
        // A quoted keyword is a name, so a call.
        #expect(try Self.calls("\"exists\"(1)") == ["exists"])
    }

    @Test("a common table expression's column list is not a call; a function with column definitions is")
    func commonTableColumns() throws {
        let recursive =
            "id IN (WITH RECURSIVE c(x, y) AS (SELECT 1, 2 UNION ALL SELECT x + 1, y FROM c) SELECT x FROM c)"
        #expect(try Self.calls(recursive) == [])
        #expect(try Self.calls("id IN (WITH c(x) AS NOT MATERIALIZED (SELECT 1) SELECT x FROM c)") == [])
        #expect(
            try Self.calls("EXISTS (SELECT 1 FROM subscribers, dblink(email, name) AS (values int))") == ["dblink"])
        #expect(try Self.calls("EXISTS (SELECT 1 FROM dblink('a', 'b') AS (x int))") == ["dblink"])
        #expect(try Self.calls("EXISTS (SELECT 1 FROM f(x) AS g (y))") == ["f"])
    }

    @Test("schema-qualified tables, system catalogs and three-part names are refused, quoted or not, any case")
    func qualifiedNames() {
        for text in [
            "EXISTS (SELECT 1 FROM main.subscribers)", "EXISTS (SELECT 1 FROM public.subscribers)",
            "EXISTS (SELECT 1 FROM \"public\".\"subscriber_lists\")", "EXISTS (SELECT 1 FROM temp.x)",
            "EXISTS (SELECT 1 FROM MAIN . Subscribers)", "EXISTS (SELECT 1 FROM other.subscribers)",
            "EXISTS (SELECT 1 FROM x.\"LISTS\")",
        ] {
            #expect(Self.refusal(text)?.contains("schema-qualified names are not allowed") == true, "\(text)")
        }
        #expect(
            Self.refusal("EXISTS (SELECT 1 FROM pg_stats)")
                == "Error preparing subscriber query: access to pg_stats is prohibited")
        #expect(
            Self.refusal("EXISTS (SELECT 1 FROM \"PG_CLASS\")")?.contains("access to pg_class is prohibited") == true)
        #expect(
            Self.refusal("EXISTS (SELECT 1 FROM information_schema.tables)")?.contains(
                "access to information_schema is prohibited") == true)
        #expect(Self.refusal("x = pg_catalog.foo")?.contains("access to pg_catalog is prohibited") == true)
        #expect(Self.refusal("public.subscribers.email = 'x'")?.contains("more than two parts") == true)
        // Ordinary qualified columns pass.
        #expect(
            Self.refusal(
                "subscribers.email = 'x' AND EXISTS (SELECT 1 FROM lists l WHERE l.name = subscribers.name)") == nil)
    }

    @Test("spellings that would hide text from the check are refused")
    func hiddenText() {
        let cases: [(String, String)] = [
            ("E'\\'' = 'x' OR set_config('a', 'b', false) <> ''", "escape strings"),
            ("e'x' = 'x'", "escape strings"),
            ("U&\"set\\005fconfig\"('a', 'b', false) <> ''", "escape strings"),
            ("U&'x' = 'x'", "escape strings"),
            ("`x` = 1", "is not allowed outside quotes"),
            ("[x] = 1", "is not allowed outside quotes"),
            ("$$x$$ = 'x'", "is not allowed outside quotes"),
            ("1 = 1; SELECT 1", "only one expression"),
            ("1 = 1 -- x", "comments"),
            ("1 = 1 /* x */", "comments"),
            ("'unterminated", "unterminated quote"),
            ("(1 = 1", "unbalanced parentheses"),
            ("1 = 1) OR (1 = 1", "unbalanced parentheses"),
            ("name = 'a\u{0}b'", "NUL"),
        ]
        for (text, reason) in cases {
            let message = Self.refusal(text)
            #expect(message?.hasPrefix("Error preparing subscriber query: ") == true, "\(text)")
            #expect(message?.contains(reason) == true, "\(text): \(message ?? "accepted")")
        }
        // A word merely ending in e, and a backslash in an ordinary string, are fine.
        #expect(Self.refusal("name = 'a\\' OR true") == nil)
        #expect(Self.refusal("attribs->>'type'='x'") == nil)
    }

    @Test("one trailing semicolon is stripped; blank is no expression")
    func trimming() throws {
        #expect(try FilterExpression(" email = 'a' ; ")?.text == "email = 'a' ")
        #expect(try FilterExpression("  ;") == nil)
    }
}
