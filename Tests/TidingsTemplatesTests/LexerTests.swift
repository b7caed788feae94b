import Testing

@testable import TidingsTemplates

/// The lexer against Go's `text/template/parse` rules.
@Suite struct LexerTests {
    /// Kinds and texts of `source`'s tokens, without the end of input.
    static func lex(_ source: String) throws -> [String] {
        try Lexer.tokenize(source, name: "t").dropLast().map { "\($0.kind):\($0.text)" }
    }

    static func failure(_ source: String) -> TemplateError? {
        do {
            _ = try Lexer.tokenize(source, name: "t")
            return nil
        } catch {
            return error
        }
    }

    @Test("text and a field action")
    func basic() throws {
        #expect(
            try Self.lex("Hi {{ .Subscriber.Name }}!") == [
                "text:Hi ", "leftDelimiter:{{", "space: ", "field:.Subscriber", "field:.Name", "space: ",
                "rightDelimiter:}}", "text:!",
            ])
    }

    @Test("trim markers delete the white space beside them, and only with a space after `{{-`")
    func trimMarkers() throws {
        #expect(
            try Self.lex("a \n\t{{- 1 -}} \n b") == [
                "text:a", "leftDelimiter:{{", "number:1", "rightDelimiter:}}", "text:b",
            ])
        #expect(
            try Self.lex("a {{-3}} b") == ["text:a ", "leftDelimiter:{{", "number:-3", "rightDelimiter:}}", "text: b"])
        #expect(try Self.lex("{{ 1 }}") == ["leftDelimiter:{{", "space: ", "number:1", "space: ", "rightDelimiter:}}"])
        // Only the text between two trimming actions is deleted when it is all white space.
        #expect(
            try Self.lex("{{1 -}}   {{- 2}}") == [
                "leftDelimiter:{{", "number:1", "rightDelimiter:}}",
                "leftDelimiter:{{", "number:2", "rightDelimiter:}}",
            ])
    }

    @Test("comments touch their delimiters, may trim and span lines")
    func comments() throws {
        #expect(try Self.lex("a {{/* note\nmore */}} b") == ["text:a ", "comment:{{/* note\nmore */}}", "text: b"])
        #expect(try Self.lex("a {{- /* x */ -}} b") == ["text:a", "comment:{{- /* x */ -}}", "text:b"])
        #expect(Self.failure("{{/* x */ }}")?.message == "comment ends before closing delimiter")
        #expect(Self.failure("{{/* x }}")?.message == "unclosed comment")
    }

    @Test("every literal form")
    func literals() throws {
        let numbers = [
            "42", "-7", "+3", "0x1F", "0o17", "0b101", "1_000", "3.25", ".5", "1e6", "1.5e-3", "0x1p-2", "2i",
        ]
        for number in numbers { #expect(try Self.lex("{{\(number)}}")[1] == "number:\(number)", "\(number)") }
        #expect(try Self.lex(#"{{"a \"b\" \n"}}"#)[1] == #"string:"a \"b\" \n""#)
        #expect(try Self.lex("{{`raw\n{{x}}`}}")[1] == "rawString:`raw\n{{x}}`")
        #expect(
            try Self.lex(#"{{'a' '\n'}}"#) == [
                "leftDelimiter:{{", "characterConstant:'a'", "space: ",
                #"characterConstant:'\n'"#, "rightDelimiter:}}",
            ])
        #expect(
            try Self.lex("{{true false nil}}") == [
                "leftDelimiter:{{", "bool:true", "space: ", "bool:false", "space: ",
                "keyword(TidingsTemplates.Token.Keyword.nil):nil", "rightDelimiter:}}",
            ])
        #expect(try Self.lex("{{1+2i}}")[1] == "number:1+2i")
    }

    @Test("variables, declarations, pipes, parens, range variables")
    func operators() throws {
        #expect(
            try Self.lex("{{range $i, $v := .Items | len}}") == [
                "leftDelimiter:{{", "keyword(TidingsTemplates.Token.Keyword.range):range", "space: ", "variable:$i",
                "comma:,",
                "space: ", "variable:$v", "space: ", "declare::=", "space: ", "field:.Items", "space: ", "pipe:|",
                "space: ",
                "identifier:len", "rightDelimiter:}}",
            ])
        #expect(
            try Self.lex("{{$ = (index . 0).k}}") == [
                "leftDelimiter:{{", "variable:$", "space: ", "assign:=", "space: ",
                "leftParen:(", "identifier:index", "space: ", "dot:.", "space: ", "number:0", "rightParen:)",
                "field:.k",
                "rightDelimiter:}}",
            ])
        #expect(try Self.lex("{{L.T \"x\"}}").prefix(3) == ["leftDelimiter:{{", "identifier:L", "field:.T"])
        #expect(try Self.lex("{{.Ünïcödé_1}}")[1] == "field:.Ünïcödé_1")
    }

    @Test("actions may span lines")
    func multiline() throws {
        #expect(
            try Self.lex("{{if\n.A}}") == [
                "leftDelimiter:{{", "keyword(TidingsTemplates.Token.Keyword.if):if", "space:\n",
                "field:.A", "rightDelimiter:}}",
            ])
    }

    @Test(
        "errors say what and where, in Go's words",
        arguments: [
            ("{{ .A", "unclosed action", 1), ("a\n{{ \"x }}", "unterminated quoted string", 2),
            ("{{ `x }}", "unterminated raw quoted string", 1), ("{{ 'x }}", "unterminated character constant", 1),
            ("{{ (1 }}", "unclosed left paren", 1), ("{{ 1) }}", "unexpected right paren", 1),
            ("{{ : }}", "expected :=", 1), ("{{ 3x }}", "bad number syntax: \"3x\"", 1),
            ("{{ .A! }}", "bad character U+0021 '!'", 1), ("\n\n{{ é }}", "", 0),
            ("{{ \u{1} }}", "unrecognized character in action: U+0001", 1),
        ] as [(String, String, Int)])
    func errors(source: String, message: String, line: Int) {
        let error = Self.failure(source)
        if message.isEmpty {
            #expect(error == nil)  // a letter is an identifier
            return
        }
        #expect(error?.message == message)
        #expect(error?.position?.line == line)
        #expect(error?.phase == .parse)
        #expect(error?.description.hasPrefix("template: t:\(line): ") == true)
    }

    @Test("positions are lines and byte columns")
    func positions() throws {
        let tokens = try Lexer.tokenize("ab\ncd {{ .X }}", name: "t")
        let field = try #require(tokens.first { $0.kind == .field })
        #expect(field.position == SourcePosition(offset: 9, line: 2, column: 7))
    }
}
