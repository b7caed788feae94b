import Testing

@testable import TidingsTemplates

/// The parser against Go's `text/template/parse` grammar and parse-time checks.
@Suite struct ParserTests {
    static let functions: Set<String> = ["len", "index", "printf", "eq", "L", "html", "and"]

    static func parse(_ source: String) throws(TemplateError) -> Parser.Result {
        try Parser.parse(source, name: "content") { functions.contains($0) }
    }

    static func failure(_ source: String) -> String? {
        do {
            _ = try parse(source)
            return nil
        } catch {
            return error.description
        }
    }

    static let origin = SourcePosition(offset: 0, line: 1, column: 1)

    @Test("text, fields, variables, functions and literals")
    func actions() throws {
        let result = try Self.parse(#"Hi {{ .Subscriber.FirstName }}{{ $x := 3 }}{{ printf "%d" $x | len }}"#)
        guard case .list(let nodes) = result.main else { Issue.record("no list"); return }
        #expect(nodes.count == 4)
        #expect(nodes[0] == .text("Hi "))
        guard case .action(let field, _) = nodes[1], case .action(let declaration, _) = nodes[2],
            case .action(let call, _) = nodes[3]
        else { Issue.record("not actions"); return }
        #expect(field.commands.map(\.arguments) == [[.field(["Subscriber", "FirstName"])]])
        #expect(declaration.declarations == ["$x"])
        #expect(!declaration.isAssignment)
        #expect(call.commands.count == 2)
        #expect(call.commands[0].arguments.first == .identifier("printf"))
        #expect(call.commands[0].arguments[1] == .string("%d"))
        #expect(call.commands[0].arguments[2] == .variable(name: "$x", fields: []))
        #expect(call.commands[1].arguments == [.identifier("len")])
    }

    @Test("numbers are classified as Go classifies them")
    func numbers() throws {
        func number(_ text: String) throws -> NumberLiteral? {
            guard case .list(let nodes) = try Self.parse("{{\(text)}}").main,
                case .action(let pipeline, _) = nodes.first,
                case .number(let literal) = pipeline.commands.first?.arguments.first
            else { return nil }
            return literal
        }
        #expect(try number("42")?.int == 42)
        #expect(try number("-7")?.int == -7)
        #expect(try number("-7")?.uint == nil)
        #expect(try number("0x1F")?.int == 31)
        #expect(try number("017")?.int == 15)
        #expect(try number("0b101")?.int == 5)
        #expect(try number("1_000")?.int == 1000)
        #expect(try number("3.5")?.int == nil)
        #expect(try number("3.5")?.float == 3.5)
        #expect(try number("1e6")?.int == 1_000_000)
        #expect(try number("0x1p-2")?.float == 0.25)
        #expect(try number("'a'")?.int == 97)
        #expect(try number("'\\n'")?.int == 10)
        #expect(try number("18446744073709551615")?.uint == UInt64.max)
        #expect(try number("18446744073709551615")?.int == nil)
        #expect(
            Self.failure("{{99999999999999999999}}")?.hasSuffix("integer overflow: \"99999999999999999999\"") == true)
        #expect(Self.failure("{{2i}}")?.contains("complex numbers are not supported") == true)
    }

    @Test("strings unquote Go's escapes; raw strings keep everything but carriage returns")
    func strings() throws {
        func string(_ text: String) throws -> String? {
            guard case .list(let nodes) = try Self.parse("{{\(text)}}").main,
                case .action(let pipeline, _) = nodes.first,
                case .string(let value) = pipeline.commands.first?.arguments.first
            else { return nil }
            return value
        }
        #expect(try string(#""a\tb\"c\\d\x41\u00e9\101""#) == "a\tb\"c\\dAéA")
        #expect(try string("`a\\n\r\nb`") == "a\\n\nb")
        #expect(Self.failure(#"{{"\q"}}"#)?.hasSuffix("invalid syntax") == true)
    }

    @Test("if / else if / else, with / else with, range with variables, break and continue")
    func controlStructures() throws {
        let result = try Self.parse(
            "{{if .A}}a{{else if .B}}b{{else}}c{{end}}{{with $v := .C}}{{$v}}{{else with .D}}d{{end}}"
                + "{{range $i, $e := .Items}}{{if $i}}{{break}}{{end}}{{continue}}{{else}}none{{end}}")
        guard case .list(let nodes) = result.main else { Issue.record("no list"); return }
        guard case .branch(let ifBranch) = nodes[0], case .branch(let withBranch) = nodes[1],
            case .branch(let rangeBranch) = nodes[2]
        else { Issue.record("not branches"); return }
        #expect(ifBranch.kind == .if)
        guard case .list(let elseNodes) = ifBranch.otherwise, case .branch(let elseIf) = elseNodes.first else {
            Issue.record("no else if"); return
        }
        #expect(elseIf.kind == .if)
        #expect(elseIf.otherwise == .list([.text("c")]))
        #expect(withBranch.pipeline.declarations == ["$v"])
        #expect(rangeBranch.pipeline.declarations == ["$i", "$e"])
        #expect(rangeBranch.otherwise == .list([.text("none")]))
    }

    @Test("define, block and template calls")
    func definitions() throws {
        let result = try Self.parse(
            #"{{define "a"}}A{{.}}{{end}}{{template "a" .X}}{{block "b" .}}B{{end}}{{template "c"}}"#)
        #expect(
            result.definitions["a"]
                == .list([
                    .text("A"),
                    .action(
                        Pipeline(
                            declarations: [], isAssignment: false,
                            commands: [
                                Command(arguments: [.dot], position: SourcePosition(offset: 17, line: 1, column: 18))
                            ],
                            position: SourcePosition(offset: 17, line: 1, column: 18)),
                        SourcePosition(offset: 15, line: 1, column: 16)),
                ]))
        #expect(result.definitions["b"] == .list([.text("B")]))
        guard case .list(let nodes) = result.main else { Issue.record("no list"); return }
        #expect(nodes.count == 3)
        guard case .templateCall(let name, let pipeline, _) = nodes[0] else { Issue.record("no call"); return }
        #expect(name == "a")
        #expect(pipeline?.commands.first?.arguments == [.field(["X"])])
        guard case .templateCall(let last, let none, _) = nodes[2] else { Issue.record("no call"); return }
        #expect(last == "c")
        #expect(none == nil)
    }

    @Test("chains: a function's result, a parenthesised pipeline, a variable")
    func chains() throws {
        let result = try Self.parse(#"{{ L.T "x" }}{{ (index .l 0).k }}{{ $.Campaign.Name }}"#)
        guard case .list(let nodes) = result.main, nodes.count == 3, case .action(let first, _) = nodes[0],
            case .action(let second, _) = nodes[1], case .action(let third, _) = nodes[2]
        else { Issue.record("not three actions"); return }
        #expect(first.commands[0].arguments == [.chain(.identifier("L"), fields: ["T"]), .string("x")])
        guard case .chain(.pipeline(let inner), let fields) = second.commands[0].arguments[0] else {
            Issue.record("no chain"); return
        }
        #expect(fields == ["k"])
        #expect(
            inner.commands[0].arguments == [
                .identifier("index"), .field(["l"]), .number(try GoLiteral.number("0", isCharacter: false)),
            ])
        #expect(third.commands[0].arguments == [.variable(name: "$", fields: ["Campaign", "Name"])])
    }

    @Test(
        "parse errors Go reports on save",
        arguments: [
            ("{{ nope }}", #"function "nope" not defined"#),
            ("{{ $x }}", #"undefined variable "$x""#),
            ("{{ $x = 1 }}", #"undefined variable "$x""#),
            ("{{ break }}", "{{break}} outside {{range}}"),
            ("{{ end }}", "unexpected {{end}}"),
            ("{{ else }}", "unexpected {{else}}"),
            ("{{ if .A }}x", "unexpected EOF"),
            ("{{ }}", "missing value for command"),
            ("{{ if }}{{ end }}", "missing value for if"),
            ("{{ .A | 3 }}", "non executable command in pipeline stage 2"),
            (#"{{ "s".x }}"#, #"unexpected . after term "\"s\"""#),
            ("{{ template .A }}", "unexpected \".A\" in template clause"),
            ("{{ if .A }}{{ define \"x\" }}{{ end }}{{ end }}", "unexpected <define> in command"),
            ("{{ .A(1) }}", #"unexpected "(" in operand"#),
            ("{{ with $a, $b := .X }}{{ end }}", "too many declarations in command"),
        ] as [(String, String)])
    func errors(source: String, message: String) {
        let error = Self.failure(source)
        #expect(error?.hasSuffix(message) == true, "\(error ?? "no error")")
        #expect(error?.hasPrefix("template: content:1: ") == true)
    }

    @Test("variables are scoped to their block")
    func scopes() {
        #expect(
            Self.failure("{{ if .A }}{{ $x := 1 }}{{ end }}{{ $x }}")?.hasSuffix(#"undefined variable "$x""#) == true)
        #expect(Self.failure("{{ $x := 1 }}{{ if .A }}{{ $x = 2 }}{{ end }}{{ $x }}") == nil)
        #expect(Self.failure("{{ range $i, $v := .A }}{{ $i }}{{ $v }}{{ end }}") == nil)
        #expect(
            Self.failure(#"{{ $x := 1 }}{{ define "d" }}{{ $x }}{{ end }}"#)?.hasSuffix(#"undefined variable "$x""#)
                == true)
    }
}
