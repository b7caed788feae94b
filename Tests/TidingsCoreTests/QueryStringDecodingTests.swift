import Testing
import TidingsCore

/// `QueryString`: Go's `url.ParseQuery` rules, checked against what real clients send.
@Suite struct QueryStringDecodingTests {
    /// The values every client below encodes, by name.
    static let values: [(String, String)] = [
        ("search", "Jane Doe"), ("plus", "a+b"), ("pct", "100%"), ("quote", "O'Brien"), ("amp", "A&B"),
        ("eq", "x=y"), ("accent", "Zoë Ærø"), ("emoji", "👋🏽 hi"),
    ]

    @Test(
        "what clients send for spaces, +, %, ', &, =, accents and emoji decodes to what they meant",
        arguments: [
            // Python 3: urllib.parse.urlencode(values) (requests encodes params the same way).
            "search=Jane+Doe&plus=a%2Bb&pct=100%25&quote=O%27Brien&amp=A%26B&eq=x%3Dy"
                + "&accent=Zo%C3%AB+%C3%86r%C3%B8&emoji=%F0%9F%91%8B%F0%9F%8F%BD+hi",
            // curl 7.88: curl -G --data-urlencode 'search=Jane Doe' … (lower-case hex digits).
            "search=Jane+Doe&plus=a%2bb&pct=100%25&quote=O%27Brien&amp=A%26B&eq=x%3dy"
                + "&accent=Zo%c3%ab+%c3%86r%c3%b8&emoji=%f0%9f%91%8b%f0%9f%8f%bd+hi",
            // Browsers: an HTML form with method=get, and URLSearchParams (WHATWG urlencoded).
            "search=Jane+Doe&plus=a%2Bb&pct=100%25&quote=O%27Brien&amp=A%26B&eq=x%3Dy"
                + "&accent=Zo%C3%AB+%C3%86r%C3%B8&emoji=%F0%9F%91%8B%F0%9F%8F%BD+hi",
            // JavaScript: encodeURIComponent on each value (%20 for a space; ' left alone).
            "search=Jane%20Doe&plus=a%2Bb&pct=100%25&quote=O'Brien&amp=A%26B&eq=x%3Dy"
                + "&accent=Zo%C3%AB%20%C3%86r%C3%B8&emoji=%F0%9F%91%8B%F0%9F%8F%BD%20hi",
            // A browser's address bar, typed by hand: raw UTF-8 and a literal ' pass as they are.
            "search=Jane%20Doe&plus=a%2Bb&pct=100%25&quote=O'Brien&amp=A%26B&eq=x%3Dy"
                + "&accent=Zoë%20Ærø&emoji=👋🏽%20hi",
        ])
    func clients(encoded: String) throws {
        let query = try QueryString(parsing: encoded)
        #expect(query.pairs.map { [$0.name, $0.value] } == Self.values.map { [$0.0, $0.1] })
    }

    @Test("+ is a space and %2B a plus, in names as in values")
    func plus() throws {
        let query = try QueryString(parsing: "a+b=c+d&e%2Bf=g%2Bh&i%20j=k%20l")
        #expect(query["a b"] == "c d")
        #expect(query["e+f"] == "g+h")
        #expect(query["i j"] == "k l")
        #expect(query["a+b"] == nil)
    }

    @Test("the SQL query of issue 16, as Python encodes it")
    func sqlQuery() throws {
        // urllib.parse.urlencode({"query": "subscribers.email LIKE '%@b.com'"})
        let query = try QueryString(parsing: "query=subscribers.email+LIKE+%27%25%40b.com%27")
        #expect(query["query"] == "subscribers.email LIKE '%@b.com'")
        // The same, typed by hand as in the issue.
        #expect(
            try QueryString(parsing: "query=subscribers.email+LIKE+'%25@b.com'")["query"]
                == "subscribers.email LIKE '%@b.com'")
    }

    @Test("repeated names keep every value in order; empty values and names without = are empty")
    func repeated() throws {
        let query = try QueryString(parsing: "id=1&x=&id=2&flag&id=3&=orphan")
        #expect(query.all("id") == ["1", "2", "3"])
        #expect(query["id"] == "1")
        #expect(query["x"] == "")
        #expect(query["flag"] == "")
        #expect(query[""] == "orphan")
        #expect(query["missing"] == nil)
        #expect(query.all("missing").isEmpty)
    }

    @Test("empty pairs are skipped; only the first = splits a pair")
    func emptyPairs() throws {
        #expect(try QueryString(parsing: "").pairs.isEmpty)
        #expect(try QueryString(parsing: "&&").pairs.isEmpty)
        let query = try QueryString(parsing: "&a=1&&b=x=y&")
        #expect(query.pairs == [.init("a", "1"), .init("b", "x=y")])
    }

    @Test(
        "an invalid percent-escape is an error naming it (at most 3 characters of its name or value)",
        arguments: [
            ("a=%", "%"), ("a=%4", "%4"), ("a=%zz", "%zz"), ("a=%g1&b=2", "%g1"), ("%=1", "%"),
            ("a=100%&b=2", "%"), ("a=1&b=%%41", "%%4"), ("a=%C3%", "%"), ("ok=1&x%2=1", "%2"),
        ])
    func invalidEscape(text: String, escape: String) {
        #expect(throws: QueryString.Invalid(reason: .escape(escape))) { try QueryString(parsing: text) }
    }

    @Test("a ; is an error, as in Go since 1.17; %3B is a semicolon", arguments: ["a=1;b=2", "a=1&b;=2", ";", "a=;"])
    func semicolon(text: String) throws {
        #expect(throws: QueryString.Invalid(reason: .semicolon)) { try QueryString(parsing: text) }
        #expect(try QueryString(parsing: "a=1%3Bb%3D2")["a"] == "1;b=2")
    }

    @Test("bytes that are not UTF-8 once decoded are an error", arguments: ["q=caf%E9", "q=%FF", "q=%C3", "%80=1"])
    func notUTF8(text: String) {
        #expect(throws: QueryString.Invalid(reason: .notUTF8)) { try QueryString(parsing: text) }
    }

    @Test("the error texts say how to write the character")
    func messages() {
        #expect(QueryString.Invalid(reason: .escape("%zz")).description.contains("%25"))
        #expect(QueryString.Invalid(reason: .semicolon).description.contains("%3B"))
        let error = TidingsError.invalidQueryString(.init(reason: .escape("%zz")))
        #expect(error.code == "invalid_query_string")
        #expect(error.kind == .badRequest)
        #expect(error.message == #"Invalid query string: "%zz" is not a percent-escape (write a literal % as %25)"#)
    }

    @Test("unescape decodes one component")
    func unescape() throws {
        #expect(try QueryString.unescape("J%C3%A9r%C3%B4me+%2B+co") == "Jérôme + co")
        #expect(try QueryString.unescape("plain") == "plain")
        #expect(throws: QueryString.Invalid.self) { try QueryString.unescape("%") }
    }
}
