/// Splits a template's source into tokens with the rules of Go's `text/template/parse` lexer:
/// `{{` and `}}` delimiters, trim markers (`{{- ` and ` -}}` delete the white space beside them),
/// comments that must touch their delimiters, and every literal form Go accepts. `{{-3}}` is the
/// number −3, not a trim.
///
/// `tokenize` returns every token up to the end of input, or throws the first lexical error with
/// its position (Go's wording: "unclosed action", "unterminated quoted string", …).
public struct Lexer {
    private let source: [UInt8]
    private let templateName: String
    private let lines: LineTable
    /// The scanning position.
    private var position = 0
    /// Where the token being scanned started.
    private var start = 0
    private var parenDepth = 0
    private var tokens: [Token] = []

    public init(_ source: String, name: String) {
        self.source = Array(source.utf8)
        self.templateName = name
        self.lines = LineTable(self.source)
    }

    public static func tokenize(_ source: String, name: String) throws(TemplateError) -> [Token] {
        var lexer = Lexer(source, name: name)
        return try lexer.run()
    }

    private mutating func run() throws(TemplateError) -> [Token] {
        var insideAction = false
        while true {
            if insideAction {
                insideAction = try lexInsideAction()
            } else {
                guard try lexText() else {
                    emit(.endOfInput)
                    return tokens
                }
                insideAction = try lexLeftDelimiter()
            }
        }
    }

    // MARK: - Text and delimiters

    /// Emits the text up to the next `{{` (trimmed if that action starts with a trim marker).
    /// Returns `false` at the end of input.
    private mutating func lexText() throws(TemplateError) -> Bool {
        guard let delimiter = find(Self.leftDelimiter, from: position) else {
            position = source.count
            if position > start { emit(.text) }
            return false
        }
        let trimmed = Self.hasLeftTrimMarker(source, at: delimiter + 2)
        position = trimmed ? delimiter - Self.trailingSpaceCount(source, before: delimiter, from: start) : delimiter
        if position > start { emit(.text) }
        position = delimiter
        start = delimiter
        return true
    }

    /// At `{{`: a comment, or the left delimiter. Returns whether an action follows.
    private mutating func lexLeftDelimiter() throws(TemplateError) -> Bool {
        let afterMarker = Self.hasLeftTrimMarker(source, at: position + 2) ? 2 : 0
        if has(Self.leftComment, at: position + 2 + afterMarker) {
            try lexComment(from: position + 2 + afterMarker)
            return false
        }
        position += 2
        emit(.leftDelimiter)
        position += afterMarker
        start = position
        parenDepth = 0
        return true
    }

    /// A comment from `/*`: it must end with `*/` right before the closing delimiter.
    private mutating func lexComment(from commentStart: Int) throws(TemplateError) {
        guard let close = find(Self.rightComment, from: commentStart + 2) else {
            throw failure("unclosed comment")
        }
        position = close + 2
        guard let trimmed = atRightDelimiter() else { throw failure("comment ends before closing delimiter") }
        position += (trimmed ? 2 : 0) + 2
        emit(.comment)
        if trimmed { skipLeadingSpace() }
    }

    /// `}}` or ` -}}` at `position`: `nil` if neither, else whether it has a trim marker.
    private func atRightDelimiter() -> Bool? {
        if Self.isRightTrimMarker(source, at: position), has(Self.rightDelimiter, at: position + 2) { return true }
        return has(Self.rightDelimiter, at: position) ? false : nil
    }

    private mutating func lexRightDelimiter(trimmed: Bool) {
        if trimmed {
            position += 2
            start = position
        }
        position += 2
        emit(.rightDelimiter)
        if trimmed { skipLeadingSpace() }
    }

    private mutating func skipLeadingSpace() {
        while position < source.count, Self.isSpace(source[position]) { position += 1 }
        start = position
    }

    // MARK: - Inside an action

    /// Scans one token inside an action; returns whether the action goes on.
    private mutating func lexInsideAction() throws(TemplateError) -> Bool {
        if let trimmed = atRightDelimiter() {
            guard parenDepth == 0 else { throw failure("unclosed left paren") }
            lexRightDelimiter(trimmed: trimmed)
            return false
        }
        guard position < source.count else { throw failure("unclosed action") }
        let byte = source[position]
        switch byte {
        case _ where Self.isSpace(byte):
            lexSpace()
        case UInt8(ascii: "="):
            single(.assign)
        case UInt8(ascii: ":"):
            position += 1
            guard position < source.count, source[position] == UInt8(ascii: "=") else {
                throw failure("expected :=")
            }
            position += 1
            emit(.declare)
        case UInt8(ascii: "|"):
            single(.pipe)
        case UInt8(ascii: "\""):
            try lexQuoted(closing: UInt8(ascii: "\""), kind: .string, unterminated: "unterminated quoted string")
        case UInt8(ascii: "'"):
            try lexQuoted(
                closing: UInt8(ascii: "'"), kind: .characterConstant, unterminated: "unterminated character constant")
        case UInt8(ascii: "`"):
            try lexRawString()
        case UInt8(ascii: "$"):
            position += 1
            try lexFieldOrVariable(.variable)
        case UInt8(ascii: ".")
        where position + 1 >= source.count || !Self.isDigit(source[position + 1]):
            position += 1
            try lexFieldOrVariable(.field)
        case UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try lexNumber()
        case UInt8(ascii: "("):
            single(.leftParen)
            parenDepth += 1
        case UInt8(ascii: ")"):
            single(.rightParen)
            parenDepth -= 1
            guard parenDepth >= 0 else { throw failure("unexpected right paren") }
        case UInt8(ascii: ","):
            single(.comma)
        default:
            let (scalar, length) = scalar(at: position)
            if Self.isAlphanumeric(scalar) {
                try lexIdentifier()
            } else if scalar.isASCII, scalar.value >= 0x20, scalar.value < 0x7F {
                position += length
                emit(.char)
            } else {
                throw failure("unrecognized character in action: \(Self.describe(scalar))")
            }
        }
        return true
    }

    private mutating func single(_ kind: Token.Kind) {
        position += 1
        emit(kind)
    }

    /// Runs of white space; the one space of a ` -}}` belongs to the delimiter.
    private mutating func lexSpace() {
        var count = 0
        while position < source.count, Self.isSpace(source[position]) {
            position += 1
            count += 1
        }
        if Self.isRightTrimMarker(source, at: position - 1), has(Self.rightDelimiter, at: position + 1) {
            position -= 1
            if count == 1 { return }
        }
        emit(.space)
    }

    /// `"…"` or `'…'`: a backslash escapes the next character; a line feed or the end of input
    /// before the closing quote is an error.
    private mutating func lexQuoted(closing: UInt8, kind: Token.Kind, unterminated: String) throws(TemplateError) {
        position += 1
        while true {
            guard position < source.count, source[position] != UInt8(ascii: "\n") else {
                throw failure(unterminated)
            }
            let byte = source[position]
            position += 1
            if byte == UInt8(ascii: "\\") {
                guard position < source.count, source[position] != UInt8(ascii: "\n") else {
                    throw failure(unterminated)
                }
                position += 1
            } else if byte == closing {
                emit(kind)
                return
            }
        }
    }

    private mutating func lexRawString() throws(TemplateError) {
        guard let close = find([UInt8(ascii: "`")], from: position + 1) else {
            throw failure("unterminated raw quoted string")
        }
        position = close + 1
        emit(.rawString)
    }

    /// After `.` or `$`: a name, or the dot or root variable alone.
    private mutating func lexFieldOrVariable(_ kind: Token.Kind) throws(TemplateError) {
        if atTerminator() {
            emit(kind == .variable ? .variable : .dot)
            return
        }
        while position < source.count {
            let (scalar, length) = scalar(at: position)
            guard Self.isAlphanumeric(scalar) else { break }
            position += length
        }
        guard atTerminator() else { throw failure("bad character \(Self.describe(scalar(at: position).0))") }
        emit(kind)
    }

    private mutating func lexIdentifier() throws(TemplateError) {
        while position < source.count {
            let (scalar, length) = scalar(at: position)
            guard Self.isAlphanumeric(scalar) else { break }
            position += length
        }
        guard atTerminator() else { throw failure("bad character \(Self.describe(scalar(at: position).0))") }
        let word = String(decoding: source[start..<position], as: UTF8.self)
        if let keyword = Token.Keyword(rawValue: word) {
            emit(.keyword(keyword))
        } else if word == "true" || word == "false" {
            emit(.bool)
        } else {
            emit(.identifier)
        }
    }

    /// Go's number syntax: sign, `0x`/`0o`/`0b` prefixes, `_` separators, fraction, exponent
    /// (`e`, or `p` for hexadecimal), an imaginary `i`, and `1+2i` complex literals (which the
    /// parser refuses).
    private mutating func lexNumber() throws(TemplateError) {
        guard scanNumber() else { throw badNumber() }
        if position < source.count, source[position] == UInt8(ascii: "+") || source[position] == UInt8(ascii: "-") {
            guard scanNumber(), source[position - 1] == UInt8(ascii: "i") else { throw badNumber() }
        }
        emit(.number)
    }

    private func badNumber() -> TemplateError {
        failure("bad number syntax: \(GoQuote.quote(String(decoding: source[start..<position], as: UTF8.self)))")
    }

    private mutating func scanNumber() -> Bool {
        _ = accept("+-")
        var digits = "0123456789_"
        if accept("0") {
            if accept("xX") {
                digits = "0123456789abcdefABCDEF_"
            } else if accept("oO") {
                digits = "01234567_"
            } else if accept("bB") {
                digits = "01_"
            }
        }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if digits.utf8.count == 11, accept("eE") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        if digits.utf8.count == 23, accept("pP") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        _ = accept("i")
        if position < source.count, Self.isAlphanumeric(scalar(at: position).0) {
            position += scalar(at: position).1
            return false
        }
        return true
    }

    private mutating func accept(_ characters: String) -> Bool {
        guard position < source.count, characters.utf8.contains(source[position]) else { return false }
        position += 1
        return true
    }

    private mutating func acceptRun(_ characters: String) {
        while accept(characters) {}
    }

    /// Whether what follows ends a word: white space, the end, `.`, `,`, `|`, `:`, a paren, or
    /// the closing delimiter.
    private func atTerminator() -> Bool {
        guard position < source.count else { return true }
        let byte = source[position]
        if Self.isSpace(byte) || has(Self.rightDelimiter, at: position) { return true }
        return [
            UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: ":"), UInt8(ascii: ")"),
            UInt8(ascii: "("),
        ].contains(byte)
    }

    // MARK: - Helpers

    private mutating func emit(_ kind: Token.Kind) {
        let text = String(decoding: source[start..<position], as: UTF8.self)
        tokens.append(Token(kind, text, at: lines.position(of: start)))
        start = position
    }

    private func failure(_ message: String) -> TemplateError {
        TemplateError(.parse, template: templateName, at: lines.position(of: start), message)
    }

    private func has(_ bytes: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset + bytes.count <= source.count else { return false }
        for (index, byte) in bytes.enumerated() where source[offset + index] != byte { return false }
        return true
    }

    private func find(_ bytes: [UInt8], from offset: Int) -> Int? {
        var candidate = offset
        while candidate + bytes.count <= source.count {
            if has(bytes, at: candidate) { return candidate }
            candidate += 1
        }
        return nil
    }

    /// The Unicode scalar at `offset` and its length in bytes (U+FFFD for a bad sequence).
    private func scalar(at offset: Int) -> (Unicode.Scalar, Int) {
        var iterator = source[offset...].makeIterator()
        var decoder = UTF8()
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar): return (scalar, UTF8.width(scalar))
        case .emptyInput, .error: return ("\u{FFFD}", 1)
        }
    }

    static let leftDelimiter: [UInt8] = Array("{{".utf8)
    static let rightDelimiter: [UInt8] = Array("}}".utf8)
    static let leftComment: [UInt8] = Array("/*".utf8)
    static let rightComment: [UInt8] = Array("*/".utf8)

    /// Space, tab, carriage return, line feed: what trim markers delete.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Go's `isAlphaNumeric`: `_`, a letter or a digit.
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
    }

    /// `{{-` followed by white space: `-` and one space at `offset`.
    static func hasLeftTrimMarker(_ source: [UInt8], at offset: Int) -> Bool {
        offset + 1 < source.count && source[offset] == UInt8(ascii: "-") && isSpace(source[offset + 1])
    }

    /// White space followed by `-` at `offset` (the start of ` -}}`).
    static func isRightTrimMarker(_ source: [UInt8], at offset: Int) -> Bool {
        offset >= 0 && offset + 1 < source.count && isSpace(source[offset]) && source[offset + 1] == UInt8(ascii: "-")
    }

    static func trailingSpaceCount(_ source: [UInt8], before end: Int, from start: Int) -> Int {
        var count = 0
        while end - count > start, isSpace(source[end - count - 1]) { count += 1 }
        return count
    }

    /// Go's `%#U`: `U+0021 '!'`.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        var hex = String(scalar.value, radix: 16, uppercase: true)
        while hex.count < 4 { hex = "0" + hex }
        return GoQuote.isPrintable(scalar) ? "U+\(hex) '\(scalar)'" : "U+\(hex)"
    }
}

/// Line starts of a source, for turning byte offsets into lines and columns.
struct LineTable {
    private let starts: [Int]

    init(_ source: [UInt8]) {
        var starts = [0]
        for (offset, byte) in source.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        self.starts = starts
    }

    func position(of offset: Int) -> SourcePosition {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return SourcePosition(offset: offset, line: low + 1, column: offset - starts[low] + 1)
    }
}
