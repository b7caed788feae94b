/// One lexical item of a template, as Go's `text/template/parse` lexer produces them.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Text outside actions (already trimmed by any trim markers beside it).
        case text
        /// `{{` (with its trim marker, if any).
        case leftDelimiter
        /// `}}` (with its trim marker, if any).
        case rightDelimiter
        /// `{{/* … */}}`; the text is the whole comment, delimiters included.
        case comment
        /// Space, tab, carriage return or line feed inside an action, run together.
        case space
        case leftParen
        case rightParen
        /// `|`
        case pipe
        /// `=`
        case assign
        /// `:=`
        case declare
        /// `,` (between range variables)
        case comma
        /// `"…"` with its quotes; the text is undecoded.
        case string
        /// `` `…` `` with its back quotes.
        case rawString
        /// `'…'` with its quotes.
        case characterConstant
        /// Any other printable ASCII character inside an action (the parser refuses it).
        case char
        /// A number literal as written (sign, prefix, `_`, fraction, exponent).
        case number
        /// `true` or `false`.
        case bool
        /// `.Name` (the text includes the dot).
        case field
        /// `$` or `$name`.
        case variable
        /// A function or method name.
        case identifier
        /// `.` alone.
        case dot
        /// A keyword: `block`, `break`, `continue`, `define`, `else`, `end`, `if`, `nil`, `range`,
        /// `template`, `with`.
        case keyword(Keyword)
        case endOfInput
    }

    public enum Keyword: String, Sendable, CaseIterable {
        case block, `break`, `continue`, define, `else`, end, `if`, `nil`, range, template, with
    }

    public let kind: Kind
    /// The token's source text.
    public let text: String
    /// Where it starts in the source.
    public let position: SourcePosition

    public init(_ kind: Kind, _ text: String, at position: SourcePosition) {
        self.kind = kind
        self.text = text
        self.position = position
    }
}

/// A place in a template's source: a byte offset, and the 1-based line and byte column it is on.
public struct SourcePosition: Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let line: Int
    public let column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}
