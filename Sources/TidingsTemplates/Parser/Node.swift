/// A parsed template: the tree Go's `text/template/parse` builds, with positions.
public indirect enum Node: Sendable, Equatable {
    case list([Node])
    case text(String)
    /// `{{ pipeline }}`: its value is printed unless the pipeline declares or assigns.
    case action(Pipeline, SourcePosition)
    case comment(String)
    /// `if`, `with` and `range` (`else if` / `else with` are an `if` / `with` inside `otherwise`).
    case branch(Branch)
    /// `{{ template "name" pipeline }}`.
    case templateCall(name: String, pipeline: Pipeline?, SourcePosition)
    case breakLoop(SourcePosition)
    case continueLoop(SourcePosition)
}

public struct Branch: Sendable, Equatable {
    public enum Kind: String, Sendable { case `if`, with, range }

    public let kind: Kind
    public let pipeline: Pipeline
    public let body: Node
    public let otherwise: Node?
    public let position: SourcePosition
}

/// `[$x :=] command | command …`; in `range`, up to two declared variables.
public struct Pipeline: Sendable, Equatable {
    public var declarations: [String]
    /// `=` rather than `:=`.
    public var isAssignment: Bool
    public var commands: [Command]
    public let position: SourcePosition
}

/// One stage of a pipeline: a function or method with its arguments, or a single operand.
public struct Command: Sendable, Equatable {
    public var arguments: [Argument]
    public let position: SourcePosition
}

/// An operand of a command.
public indirect enum Argument: Sendable, Equatable {
    /// `.` (the current data).
    case dot
    case `nil`
    case bool(Bool)
    case number(NumberLiteral)
    case string(String)
    /// `.A.B` (a field chain on dot).
    case field([String])
    /// `$x.A.B` (`$` alone is the root).
    case variable(name: String, fields: [String])
    /// A function name.
    case identifier(String)
    /// `(pipeline)`.
    case pipeline(Pipeline)
    /// `(pipeline).A.B` or `identifier.A` (a field chain on another operand).
    case chain(Argument, fields: [String])
}

/// A number literal, with the forms it can take as Go's parser classifies it: a literal with
/// integer syntax is an int (and a float); a float literal with an integral value is also an int.
public struct NumberLiteral: Sendable, Equatable {
    public let text: String
    public let int: Int64?
    public let uint: UInt64?
    public let float: Double?
    /// A `'c'` character constant (printed as its code point).
    public let isCharacter: Bool
}
