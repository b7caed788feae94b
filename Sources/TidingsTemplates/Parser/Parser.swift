/// Parses a template's source into trees, with the grammar and the parse-time checks of Go's
/// `text/template/parse`: unknown functions, undefined variables, `break`/`continue` outside a
/// `range`, misplaced `else`/`end`, empty pipelines, and non-executable pipeline stages.
///
/// A source yields its main tree plus one tree per `define` (and `block`, which also calls it).
public struct Parser {
    /// The trees of one source: the main template's and each defined one's, by name.
    public struct Result: Sendable, Equatable {
        public var main: Node
        public var definitions: [String: Node]
    }

    private let name: String
    private let isFunction: (String) -> Bool
    private var tokens: [Token]
    private var index = 0
    /// Declared variables, innermost last; `$` is always there.
    private var variables = ["$"]
    private var rangeDepth = 0
    /// Lists open around the current position (`define` is allowed only at the top, as in Go).
    private var nesting = 0
    private var definitions: [String: Node] = [:]

    /// Parses `source`, named `name` in errors; `isFunction` says which identifiers are
    /// functions (Go refuses the others at parse time).
    public static func parse(
        _ source: String, name: String, isFunction: @escaping (String) -> Bool
    ) throws(TemplateError)
        -> Result
    {
        var parser = Parser(
            name: name, isFunction: isFunction,
            tokens: try Lexer.tokenize(source, name: name).filter { $0.kind != .comment })
        let main = try parser.parseList(until: [])
        return Result(main: main, definitions: parser.definitions)
    }

    private init(name: String, isFunction: @escaping (String) -> Bool, tokens: [Token]) {
        self.name = name
        self.isFunction = isFunction
        self.tokens = tokens
    }

    // MARK: - Lists and actions

    /// Nodes until one of `terminators` (`end`, `else`) opens an action, which is left unread
    /// after its `{{`; at the top level (no terminators) until the end of input.
    private mutating func parseList(until terminators: Set<Token.Keyword>) throws(TemplateError) -> Node {
        if !terminators.isEmpty { nesting += 1 }
        defer { if !terminators.isEmpty { nesting -= 1 } }
        var nodes: [Node] = []
        while true {
            let token = next()
            switch token.kind {
            case .endOfInput:
                guard terminators.isEmpty else { throw failure(at: token, "unexpected EOF") }
                return .list(nodes)
            case .text:
                nodes.append(.text(token.text))
            case .leftDelimiter:
                if case .keyword(let keyword) = peekNonSpace().kind, terminators.contains(keyword) {
                    return .list(nodes)
                }
                if let node = try parseAction(opening: token) { nodes.append(node) }
            default:
                throw failure(at: token, "unexpected \(describe(token))")
            }
        }
    }

    /// The action after `{{`; `nil` for a `define`, which is stored aside.
    private mutating func parseAction(opening: Token) throws(TemplateError) -> Node? {
        let token = nextNonSpace()
        switch token.kind {
        case .keyword(.if): return .branch(try parseBranch(.if, at: token))
        case .keyword(.with): return .branch(try parseBranch(.with, at: token))
        case .keyword(.range): return .branch(try parseBranch(.range, at: token))
        case .keyword(.template): return try parseTemplateCall(at: token)
        case .keyword(.block): return try parseBlock(at: token)
        case .keyword(.define):
            guard nesting == 0 else { throw failure(at: token, "unexpected <define> in command") }
            try parseDefine(at: token)
            return nil
        case .keyword(.break), .keyword(.continue):
            guard rangeDepth > 0 else { throw failure(at: token, "{{\(token.text)}} outside {{range}}") }
            try expectRightDelimiter(after: token.text)
            return token.kind == .keyword(.break) ? .breakLoop(token.position) : .continueLoop(token.position)
        case .keyword(.else), .keyword(.end):
            throw failure(at: token, "unexpected {{\(token.text)}}")
        default:
            index -= 1
            return .action(try parsePipeline(context: "command", end: .rightDelimiter), opening.position)
        }
    }

    /// `if`/`with`/`range` after its keyword, through its `end`. An `else if` (or `else with`)
    /// becomes a branch inside `otherwise` that shares the `end`.
    private mutating func parseBranch(_ kind: Branch.Kind, at keyword: Token) throws(TemplateError) -> Branch {
        let scope = variables.count
        defer { variables.removeLast(variables.count - scope) }
        let pipeline = try parsePipeline(
            context: kind.rawValue, end: .rightDelimiter, allowsTwoVariables: kind == .range)
        if kind == .range { rangeDepth += 1 }
        let body = try parseList(until: [.end, .else])
        if kind == .range { rangeDepth -= 1 }
        let closing = nextNonSpace()
        var otherwise: Node?
        if closing.kind == .keyword(.else) {
            let chained = peekNonSpace()
            if kind != .range, chained.kind == .keyword(kind == .if ? .if : .with) {
                let nested = nextNonSpace()
                otherwise = .list([.branch(try parseBranch(kind, at: nested))])
                return Branch(
                    kind: kind, pipeline: pipeline, body: body, otherwise: otherwise, position: keyword.position)
            }
            try expectRightDelimiter(after: "else")
            otherwise = try parseList(until: [.end])
            _ = nextNonSpace()  // `end`
        }
        try expectRightDelimiter(after: "end")
        return Branch(kind: kind, pipeline: pipeline, body: body, otherwise: otherwise, position: keyword.position)
    }

    private mutating func parseTemplateCall(at keyword: Token) throws(TemplateError) -> Node {
        let name = try templateName(in: "template clause")
        if peekNonSpace().kind == .rightDelimiter {
            _ = nextNonSpace()
            return .templateCall(name: name, pipeline: nil, keyword.position)
        }
        let pipeline = try parsePipeline(context: "template clause", end: .rightDelimiter)
        return .templateCall(name: name, pipeline: pipeline, keyword.position)
    }

    /// `block "name" pipeline` … `end`: defines `name` and calls it here.
    private mutating func parseBlock(at keyword: Token) throws(TemplateError) -> Node {
        let name = try templateName(in: "block clause")
        let pipeline = try parsePipeline(context: "block clause", end: .rightDelimiter)
        try define(name, at: keyword)
        return .templateCall(name: name, pipeline: pipeline, keyword.position)
    }

    private mutating func parseDefine(at keyword: Token) throws(TemplateError) {
        let name = try templateName(in: "define clause")
        try expectRightDelimiter(after: "define clause")
        try define(name, at: keyword)
    }

    /// A defined template's body through its `end`, in a scope of its own (`$` only).
    private mutating func define(_ name: String, at keyword: Token) throws(TemplateError) {
        let outer = (variables, rangeDepth)
        variables = ["$"]
        rangeDepth = 0
        let body = try parseList(until: [.end])
        (variables, rangeDepth) = outer
        _ = nextNonSpace()  // `end`
        try expectRightDelimiter(after: "end")
        if let existing = definitions[name], !Self.isEmpty(existing) {
            throw failure(at: keyword, "template: multiple definition of template \"\(name)\"")
        }
        definitions[name] = body
    }

    private mutating func templateName(in context: String) throws(TemplateError) -> String {
        let token = nextNonSpace()
        guard token.kind == .string || token.kind == .rawString else {
            throw failure(at: token, "unexpected \(describe(token)) in \(context)")
        }
        return try unquote(token)
    }

    // MARK: - Pipelines

    /// `[decl] command {| command}` up to `end` (the closing delimiter or a right paren).
    private mutating func parsePipeline(
        context: String, end: Token.Kind, allowsTwoVariables: Bool = false
    )
        throws(TemplateError) -> Pipeline
    {
        let start = peekNonSpace()
        var pipeline = Pipeline(declarations: [], isAssignment: false, commands: [], position: start.position)
        try parseDeclarations(into: &pipeline, allowsTwoVariables: allowsTwoVariables)
        while true {
            let token = peekNonSpace()
            if token.kind == end {
                _ = nextNonSpace()
                break
            }
            switch token.kind {
            case .rightDelimiter, .rightParen, .endOfInput:
                throw failure(at: token, "unexpected \(describe(token)) in \(context)")
            case .pipe where !pipeline.commands.isEmpty:
                _ = nextNonSpace()
            default:
                break
            }
            pipeline.commands.append(try parseCommand(context: context))
        }
        guard !pipeline.commands.isEmpty else { throw failure(at: start, "missing value for \(context)") }
        for (stage, command) in pipeline.commands.enumerated().dropFirst() {
            switch command.arguments.first {
            case .bool, .dot, .nil, .number, .string:
                throw failure(at: start, "non executable command in pipeline stage \(stage + 1)")
            default: continue
            }
        }
        return pipeline
    }

    /// `$x :=`, `$x =` or (in `range`) `$i, $v :=`; nothing when the pipeline starts otherwise.
    private mutating func parseDeclarations(
        into pipeline: inout Pipeline, allowsTwoVariables: Bool
    )
        throws(TemplateError)
    {
        let mark = index
        let first = nextNonSpace()
        guard first.kind == .variable else {
            index = mark
            return
        }
        let after = nextNonSpace()
        switch after.kind {
        case .declare, .assign:
            pipeline.declarations = [first.text]
            pipeline.isAssignment = after.kind == .assign
        case .comma where allowsTwoVariables:
            let second = nextNonSpace()
            let operation = nextNonSpace()
            guard second.kind == .variable, operation.kind == .declare || operation.kind == .assign else {
                throw failure(at: second, "range can only initialize variables")
            }
            pipeline.declarations = [first.text, second.text]
            pipeline.isAssignment = operation.kind == .assign
        case .comma:
            throw failure(at: after, "too many declarations in command")
        default:
            index = mark
            return
        }
        if pipeline.isAssignment {
            for variable in pipeline.declarations where !variables.contains(variable) {
                throw failure(at: first, "undefined variable \"\(variable)\"")
            }
        } else {
            variables.append(contentsOf: pipeline.declarations)
        }
    }

    /// Operands up to `|`, the closing delimiter or a right paren.
    private mutating func parseCommand(context: String) throws(TemplateError) -> Command {
        let start = peekNonSpace()
        var command = Command(arguments: [], position: start.position)
        while true {
            let token = peekNonSpace()
            switch token.kind {
            case .pipe, .rightDelimiter, .rightParen:
                guard !command.arguments.isEmpty else { throw failure(at: token, "missing value for \(context)") }
                return command
            case .endOfInput:
                throw failure(at: token, "unclosed action")
            default:
                // Operands are separated by white space: `.A"x"` is one operand too many.
                if !command.arguments.isEmpty, index < tokens.count, tokens[index].kind != .space {
                    throw failure(at: token, "unexpected \(describe(token)) in operand")
                }
                _ = nextNonSpace()
                command.arguments.append(try parseOperand(token))
            }
        }
    }

    /// A term and the field chain after it.
    private mutating func parseOperand(_ token: Token) throws(TemplateError) -> Argument {
        let term = try parseTerm(token)
        var fields: [String] = []
        while index < tokens.count, tokens[index].kind == .field {
            fields.append(String(tokens[index].text.dropFirst()))
            index += 1
        }
        guard !fields.isEmpty else { return term }
        switch term {
        case .field(let names): return .field(names + fields)
        case .variable(let name, let names): return .variable(name: name, fields: names + fields)
        case .bool, .string, .number, .nil, .dot:
            throw failure(at: token, "unexpected . after term \(GoQuote.quote(token.text))")
        default: return .chain(term, fields: fields)
        }
    }

    private mutating func parseTerm(_ token: Token) throws(TemplateError) -> Argument {
        switch token.kind {
        case .identifier:
            guard isFunction(token.text) else { throw failure(at: token, "function \"\(token.text)\" not defined") }
            return .identifier(token.text)
        case .dot: return .dot
        case .keyword(.nil): return .nil
        case .variable:
            guard variables.contains(token.text) else {
                throw failure(at: token, "undefined variable \"\(token.text)\"")
            }
            return .variable(name: token.text, fields: [])
        case .field: return .field([String(token.text.dropFirst())])
        case .bool: return .bool(token.text == "true")
        case .number, .characterConstant:
            do {
                return .number(try GoLiteral.number(token.text, isCharacter: token.kind == .characterConstant))
            } catch {
                throw failure(at: token, error.message)
            }
        case .string, .rawString: return .string(try unquote(token))
        case .leftParen: return .pipeline(try parsePipeline(context: "parenthesized pipeline", end: .rightParen))
        default: throw failure(at: token, "unexpected \(describe(token)) in operand")
        }
    }

    // MARK: - Tokens

    private mutating func next() -> Token {
        let token = tokens[min(index, tokens.count - 1)]
        index += 1
        return token
    }

    private mutating func nextNonSpace() -> Token {
        var token = next()
        while token.kind == .space { token = next() }
        return token
    }

    private func peekNonSpace() -> Token {
        var probe = index
        while probe < tokens.count - 1, tokens[probe].kind == .space { probe += 1 }
        return tokens[min(probe, tokens.count - 1)]
    }

    private mutating func expectRightDelimiter(after context: String) throws(TemplateError) {
        let token = nextNonSpace()
        guard token.kind == .rightDelimiter else {
            throw failure(at: token, "unexpected \(describe(token)) in \(context)")
        }
    }

    private func unquote(_ token: Token) throws(TemplateError) -> String {
        do { return try GoLiteral.unquote(token.text) } catch { throw failure(at: token, error.message) }
    }

    private func failure(at token: Token, _ message: String) -> TemplateError {
        TemplateError(.parse, template: name, at: token.position, message)
    }

    /// Go's item descriptions in errors: `<if>` for keywords, `"text"` (the first ten characters
    /// and `...` for longer ones), `EOF`.
    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfInput: return "EOF"
        case .keyword: return "<\(token.text)>"
        default:
            return token.text.count > 10
                ? "\(GoQuote.quote(String(token.text.prefix(10))))..." : GoQuote.quote(token.text)
        }
    }

    /// Whether a tree holds nothing but white-space text (Go lets such a definition be replaced).
    static func isEmpty(_ node: Node) -> Bool {
        switch node {
        case .list(let nodes): return nodes.allSatisfy(isEmpty)
        case .text(let text): return text.allSatisfy(\.isWhitespace)
        case .comment: return true
        default: return false
        }
    }
}
